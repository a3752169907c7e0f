"use client";

import { jobScheduleSchema } from "@/domain/jobs/schema";
import { DAY_CHOICES, scheduleErrorField, scheduleOfDraft, type FieldErrors, type IntervalUnit, type ScheduleDraft, type ScheduleMode } from "../form";
import { describeSchedule } from "../meta";
import { Field, TIME_ZONE_LIST_ID } from "./fields";

const MODES: ReadonlyArray<{ mode: ScheduleMode; label: string }> = [
  { mode: "daily", label: "At a time of day" },
  { mode: "interval", label: "Every…" },
  { mode: "cron", label: "Cron" },
];

/** The schedule as words, once the draft is a valid schedule (the domain's own schema decides). */
export function draftInWords(draft: ScheduleDraft): string | null {
  const built = scheduleOfDraft(draft);
  if (!("schedule" in built)) return null;
  const parsed = jobScheduleSchema.safeParse(built.schedule);
  return parsed.success ? describeSchedule(parsed.data) : null;
}

/**
 * The schedule editor's fields: a time of day on some days, an interval, or a
 * cron expression, each with its zone where it has one, and the result in
 * words. Errors (keys as the API names them) show beside their field.
 */
export function ScheduleFields(props: { idPrefix: string; draft: ScheduleDraft; errors: FieldErrors; disabled: boolean; onChange(draft: ScheduleDraft, cleared: string[]): void }) {
  const { idPrefix, draft, disabled } = props;
  const errorOf = (field: "time" | "every" | "cron" | "timeZone") =>
    Object.entries(props.errors).find(([key]) => scheduleErrorField(key, draft.mode) === field)?.[1];
  const set = <K extends keyof ScheduleDraft>(field: K, value: ScheduleDraft[K]) => {
    const cleared = Object.keys(props.errors).filter((key) => key.startsWith("schedule"));
    props.onChange({ ...draft, [field]: value }, field === "mode" ? cleared : cleared.filter((key) => scheduleErrorField(key, draft.mode) === fieldOf(field)));
  };
  const words = draftInWords(draft);

  return (
    <fieldset className="job-schedule-fields" disabled={disabled}>
      <legend>Schedule</legend>
      <div className="segmented" role="radiogroup" aria-label="Schedule type">
        {MODES.map(({ mode, label }) => (
          <label className="segment" key={mode}>
            <input
              type="radio"
              name={`${idPrefix}-mode`}
              value={mode}
              checked={draft.mode === mode}
              onChange={() => set("mode", mode)}
              data-testid={`${idPrefix}-mode-${mode}`}
            />
            <span>{label}</span>
          </label>
        ))}
      </div>
      <div className="job-schedule-row">
        {draft.mode === "daily" && (
          <>
            <Field idPrefix={idPrefix} name="time" label="Time" error={errorOf("time")}>
              {(control) => <input {...control} className="input job-input-time" type="time" value={draft.time} onChange={(event) => set("time", event.target.value)} />}
            </Field>
            <Field idPrefix={idPrefix} name="days" label="On">
              {(control) => (
                <select {...control} className="input" value={draft.days} onChange={(event) => set("days", event.target.value)}>
                  {DAY_CHOICES.map((choice) => (
                    <option key={choice.value} value={choice.value}>
                      {choice.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        )}
        {draft.mode === "interval" && (
          <>
            <Field idPrefix={idPrefix} name="every" label="Every" error={errorOf("every")}>
              {(control) => (
                <input {...control} className="input job-input-number" type="number" min={1} step={1} inputMode="numeric" value={draft.every} onChange={(event) => set("every", event.target.value)} />
              )}
            </Field>
            <Field idPrefix={idPrefix} name="unit" label="Unit">
              {(control) => (
                <select {...control} className="input" value={draft.unit} onChange={(event) => set("unit", event.target.value as IntervalUnit)}>
                  <option value="seconds">seconds</option>
                  <option value="minutes">minutes</option>
                  <option value="hours">hours</option>
                </select>
              )}
            </Field>
          </>
        )}
        {draft.mode === "cron" && (
          <Field
            idPrefix={idPrefix}
            name="cron"
            label="Cron expression"
            className="job-field-wide"
            error={errorOf("cron")}
            hint="minute hour day month weekday, or six fields with seconds first"
          >
            {(control) => (
              <input {...control} className="input mono" type="text" spellCheck={false} autoComplete="off" placeholder="0 8 * * 1-5" value={draft.cron} onChange={(event) => set("cron", event.target.value)} />
            )}
          </Field>
        )}
        {draft.mode !== "interval" && (
          <Field idPrefix={idPrefix} name="timeZone" label="Time zone" error={errorOf("timeZone")}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                list={TIME_ZONE_LIST_ID}
                spellCheck={false}
                autoComplete="off"
                placeholder="Europe/London"
                value={draft.timeZone}
                onChange={(event) => set("timeZone", event.target.value)}
              />
            )}
          </Field>
        )}
      </div>
      <p className="job-schedule-words" aria-live="polite" data-testid={`${idPrefix}-words`}>
        {words ? (
          <>
            Runs <strong>{words}</strong>
          </>
        ) : (
          <span className="muted">Complete the schedule to see when it runs.</span>
        )}
      </p>
    </fieldset>
  );
}

function fieldOf(field: keyof ScheduleDraft): string {
  if (field === "days") return "time";
  if (field === "unit") return "every";
  return field;
}

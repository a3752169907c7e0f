"use client";

import { useEffect, useRef, type FormEvent } from "react";
import { jobScheduleSchema, updateScheduleInput, type JobSchedule, type JobView } from "@/domain/jobs/schema";
import { errorCode, errorMessage } from "../../live/trpc";
import { ConflictPanel } from "../../ui/conflict-panel";
import { useJobActions } from "../actions";
import { conflictCurrent, sameSchedule, scheduleOfDraft, schemaErrors, serverFieldErrors, type ScheduleEdit, type ScheduleEdits } from "../form";
import { describeSchedule } from "../meta";
import { ScheduleFields } from "./schedule-fields";

/**
 * Edits one job's schedule. The save carries the version shown when editing
 * began; refused because the schedule changed elsewhere, it shows both and
 * lets the trader choose. Refused only because the version moved (paused,
 * renamed elsewhere), it is re-sent on top of the newer version: the schedule
 * it replaces is still the one the trader saw.
 */
export function ScheduleEditor(props: { id: string; live: JobView; edit: ScheduleEdit; edits: ScheduleEdits; fallbackZone: string; onSaved(message: string): void }) {
  const { id, live, edit, edits, fallbackZone, onSaved } = props;
  const actions = useJobActions();
  const formRef = useRef<HTMLFormElement>(null);
  const { phase, draft } = edit;
  const busy = phase.kind === "saving";
  const locked = busy || phase.kind === "conflict";
  const fieldErrors = phase.kind === "error" ? phase.fieldErrors : {};
  const idPrefix = `job-${id}-schedule`;
  const built = scheduleOfDraft(draft);
  const parsed = "schedule" in built ? jobScheduleSchema.safeParse(built.schedule) : null;
  const unchanged = parsed?.success === true && sameSchedule(parsed.data, edit.start);
  const changedUnderneath = phase.kind !== "conflict" && !busy && !sameSchedule(live.schedule, edit.start);

  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>("input:checked")?.focus();
  }, []);

  const send = async (schedule: JobSchedule, base: { start: JobSchedule; version: number }, rebased = 0): Promise<void> => {
    edits.setPhase(id, { kind: "saving" });
    try {
      await actions.reschedule(id, schedule, base.version);
      edits.close(id);
      onSaved(`Schedule saved: ${describeSchedule(schedule)}`);
    } catch (error) {
      const code = errorCode(error);
      const theirs = code === "CONFLICT" ? conflictCurrent(error) : null;
      if (theirs) {
        if (rebased < 2 && sameSchedule(theirs.schedule, base.start)) return send(schedule, { start: base.start, version: theirs.version }, rebased + 1);
        return edits.setPhase(id, { kind: "conflict", mine: schedule, theirs });
      }
      if (code === "NOT_FOUND") return edits.setPhase(id, { kind: "gone" });
      const fields = serverFieldErrors(error);
      edits.setPhase(id, { kind: "error", message: fields ? (fields["(input)"] ?? null) : errorMessage(error), fieldErrors: fields ?? {} });
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (locked) return;
    if ("errors" in built) return edits.setPhase(id, { kind: "error", message: null, fieldErrors: built.errors });
    const errors = schemaErrors(updateScheduleInput, { id, schedule: built.schedule, expectedVersion: edit.baseVersion });
    if (errors || !parsed?.success) return edits.setPhase(id, { kind: "error", message: errors?.["(input)"] ?? null, fieldErrors: errors ?? {} });
    void send(parsed.data, { start: edit.start, version: edit.baseVersion });
  };

  const theirs = phase.kind === "conflict" ? live : null;
  return (
    <form
      ref={formRef}
      className="job-editor"
      onSubmit={onSubmit}
      noValidate
      onKeyDown={(event) => event.key === "Escape" && !busy && edits.close(id)}
      data-testid={`job-schedule-form-${id}`}
      data-phase={phase.kind}
    >
      {phase.kind === "conflict" && theirs && (
        <ConflictPanel
          testId={`job-conflict-${id}`}
          testIdPrefix="job-conflict"
          title="The schedule was changed elsewhere — choose which to keep"
          description="Another tab or API client saved a different schedule while you were editing. Nothing of yours was saved."
          theirsTitle={`Theirs · now stored (v${theirs.version})`}
          fields={[{ field: "schedule", label: "Schedule", theirs: describeSchedule(theirs.schedule), mine: describeSchedule(phase.mine) }]}
          choices={{
            keepTheirs: {
              label: "Keep theirs",
              testId: `job-keep-theirs-${id}`,
              onChoose: () => {
                edits.close(id);
                onSaved(`Kept the schedule saved elsewhere: ${describeSchedule(theirs.schedule)}`);
              },
            },
            applyMine: {
              label: "Apply mine",
              testId: `job-apply-mine-${id}`,
              onChoose: () => void send(phase.mine, { start: theirs.schedule, version: theirs.version }),
            },
          }}
        />
      )}
      {changedUnderneath && (
        <p className="hint hint-warn changed-notice" data-testid={`job-schedule-changed-${id}`}>
          Changed elsewhere since you started editing: now <strong>{describeSchedule(live.schedule)}</strong>.
          <button
            type="button"
            className="link-button"
            onClick={() => {
              edits.close(id);
              edits.begin(live, fallbackZone);
            }}
            data-testid={`job-schedule-reload-${id}`}
          >
            Start again from theirs
          </button>
        </p>
      )}
      <ScheduleFields idPrefix={idPrefix} draft={draft} errors={fieldErrors} disabled={locked} onChange={(next, cleared) => edits.change(id, next, cleared)} />
      <div className="job-form-footer">
        <span
          className={`save-state save-${phase.kind}`}
          role={phase.kind === "error" ? "alert" : undefined}
          aria-live="polite"
          data-testid={`job-schedule-state-${id}`}
          data-state={phase.kind}
        >
          {phase.kind === "saving"
            ? "Saving…"
            : phase.kind === "conflict"
              ? "Not saved: changed elsewhere"
              : phase.kind === "error"
                ? (phase.message ?? "Check the fields marked above")
                : unchanged
                  ? "No change yet"
                  : ""}
        </span>
        <button type="button" className="button button-quiet" disabled={busy} onClick={() => edits.close(id)} data-testid={`job-schedule-cancel-${id}`}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={locked || unchanged} data-testid={`job-schedule-save-${id}`}>
          {busy ? "Saving…" : "Save schedule"}
        </button>
      </div>
    </form>
  );
}

/** An open edit whose job was deleted elsewhere: said, not silently dropped. */
export function GoneEditNotice({ name, onDismiss }: { name: string; onDismiss(): void }) {
  return (
    <div className="notice notice-error job-gone" role="alert" data-testid="job-gone">
      “{name}” was deleted in another tab or by an API client while you were editing its schedule; your schedule was not saved.{" "}
      <button type="button" className="link-button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}


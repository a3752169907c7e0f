"use client";

import { useMemo, useRef, useState, type FormEvent } from "react";
import { CATCH_UP_DEFAULT_RUNS, CATCH_UP_MAX_RUNS, JOB_KINDS, JOB_NAME_MAX, registerJobInput, TRADER_JOB_KINDS, type JobKindView } from "@/domain/jobs/schema";
import { errorMessage, trpc } from "../../live/trpc";
import { useJobActions } from "../actions";
import {
  defaultParamValues,
  defaultScheduleDraft,
  paramFields,
  paramsOfValues,
  scheduleOfDraft,
  schemaErrors,
  serverFieldErrors,
  withoutError,
  type FieldErrors,
  type ParamField,
  type ParamValues,
  type ScheduleDraft,
} from "../form";
import { kindLabel, paramLabel } from "../meta";
import { Field } from "./fields";
import { ScheduleFields } from "./schedule-fields";

type Misfire = "runOnce" | "skip" | "catchUp";
type Status = { kind: "idle" } | { kind: "saving" } | { kind: "registered"; name: string } | { kind: "error"; message: string | null };

const ID = "job-register";

/**
 * Registers a job: a name, a kind (only the kinds a trader may register, as
 * jobs.kinds lists them) whose params' fields follow its schema, a schedule,
 * and what to do with runs missed while every server was down.
 */
export function RegisterJobForm({ defaultZone }: { defaultZone: string }) {
  const actions = useJobActions();
  const kinds = trpc.jobs.kinds.useQuery(undefined, { staleTime: Infinity });
  const offered = useMemo(() => (kinds.data ?? []).filter((kind) => (TRADER_JOB_KINDS as readonly string[]).includes(kind.kind)), [kinds.data]);
  const [name, setName] = useState("");
  const [kindName, setKindName] = useState<string | null>(null);
  const kind: JobKindView | undefined = offered.find((k) => k.kind === kindName) ?? offered[0];
  const fields = useMemo(() => (kind ? paramFields(kind.paramsSchema) : []), [kind]);
  const [params, setParams] = useState<Record<string, ParamValues>>({});
  const values = kind ? (params[kind.kind] ?? defaultParamValues(fields)) : {};
  const [schedule, setSchedule] = useState<ScheduleDraft>(() => defaultScheduleDraft(defaultZone));
  const [misfire, setMisfire] = useState<Misfire>("runOnce");
  const [maxRuns, setMaxRuns] = useState(String(CATCH_UP_DEFAULT_RUNS));
  const [paused, setPaused] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const nameRef = useRef<HTMLInputElement>(null);
  const saving = status.kind === "saving";

  const clear = (...keys: string[]) => {
    setErrors((current) => withoutError(current, ...keys));
    if (status.kind === "registered") setStatus({ kind: "idle" });
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!kind) return;
    const built = scheduleOfDraft(schedule);
    const misfirePolicy = misfire === "catchUp" ? { policy: misfire, maxRuns: Number(maxRuns) } : { policy: misfire };
    const input = {
      name: name.trim(),
      kind: kind.kind,
      schedule: "schedule" in built ? built.schedule : {},
      params: paramsOfValues(fields, values),
      paused,
      misfirePolicy,
    };
    const kindSchema = kind.kind in JOB_KINDS ? JOB_KINDS[kind.kind as keyof typeof JOB_KINDS].params : null;
    const found = {
      // A draft that is no schedule yet has its own error; the rest is checked as the API will.
      ...schemaErrors(registerJobInput, "errors" in built ? { ...input, schedule: { everySeconds: 1 } } : input),
      ...("errors" in built ? built.errors : {}),
      ...(kindSchema && schemaErrors(kindSchema, input.params, "params.")),
    };
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return setStatus({ kind: "error", message: found["(input)"] ?? null });
    }
    setErrors({});
    setStatus({ kind: "saving" });
    try {
      const registered = await actions.register(input);
      setName("");
      setParams({});
      setStatus({ kind: "registered", name: registered.name });
      nameRef.current?.focus();
    } catch (error) {
      const fieldErrors = serverFieldErrors(error);
      setErrors(fieldErrors ?? {});
      setStatus({ kind: "error", message: fieldErrors ? (fieldErrors["(input)"] ?? null) : errorMessage(error) });
    }
  };

  return (
    <section className="card" aria-labelledby="job-register-title">
      <h2 className="card-title" id="job-register-title">Register a job</h2>
      {kinds.error && !kinds.data && <div className="notice notice-error job-register-notice">Could not load the kinds of job: {kinds.error.message}</div>}
      <form className="job-register" onSubmit={onSubmit} noValidate data-testid="job-register-form">
        <div className="job-register-grid">
          <Field idPrefix={ID} name="name" label="Name" error={errors.name}>
            {(control) => (
              <input
                {...control}
                ref={nameRef}
                className="input"
                type="text"
                maxLength={JOB_NAME_MAX + 20}
                autoComplete="off"
                placeholder="Morning digest"
                disabled={saving}
                value={name}
                onChange={(event) => {
                  setName(event.target.value);
                  clear("name");
                }}
              />
            )}
          </Field>
          <Field idPrefix={ID} name="kind" label="Kind" error={errors.kind} hint={kind?.description}>
            {(control) => (
              <select
                {...control}
                className="input"
                disabled={saving || offered.length === 0}
                value={kind?.kind ?? ""}
                onChange={(event) => {
                  setKindName(event.target.value);
                  clear("kind", ...Object.keys(errors).filter((key) => key.startsWith("params")));
                }}
              >
                {offered.length === 0 && <option value="">{kinds.isLoading ? "Loading…" : "No kinds available"}</option>}
                {offered.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {kindLabel(k.kind)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {fields.map((field) => (
            <ParamInput
              key={`${kind?.kind}-${field.name}`}
              field={field}
              value={values[field.name] ?? field.defaultValue}
              error={errors[`params.${field.name}`] ?? errors.params}
              disabled={saving}
              onChange={(value) => {
                if (!kind) return;
                setParams((current) => ({ ...current, [kind.kind]: { ...values, [field.name]: value } }));
                clear(`params.${field.name}`, "params");
              }}
            />
          ))}
        </div>
        <ScheduleFields
          idPrefix={ID}
          draft={schedule}
          errors={errors}
          disabled={saving}
          onChange={(draft, cleared) => {
            setSchedule(draft);
            clear(...cleared);
          }}
        />
        <div className="job-register-grid">
          <Field idPrefix={ID} name="misfire" label="Runs missed while every server was down" error={errors["misfirePolicy.policy"]}>
            {(control) => (
              <select {...control} className="input" disabled={saving} value={misfire} onChange={(event) => setMisfire(event.target.value as Misfire)}>
                <option value="runOnce">Run once</option>
                <option value="skip">Skip them</option>
                <option value="catchUp">Catch up, each of them</option>
              </select>
            )}
          </Field>
          {misfire === "catchUp" && (
            <Field idPrefix={ID} name="maxRuns" label="At most" error={errors["misfirePolicy.maxRuns"]} hint="runs">
              {(control) => (
                <input
                  {...control}
                  className="input job-input-number"
                  type="number"
                  min={1}
                  max={CATCH_UP_MAX_RUNS}
                  disabled={saving}
                  value={maxRuns}
                  onChange={(event) => {
                    setMaxRuns(event.target.value);
                    clear("misfirePolicy.maxRuns");
                  }}
                />
              )}
            </Field>
          )}
        </div>
        <div className="job-form-footer">
          <label className="checkbox">
            <input type="checkbox" checked={paused} disabled={saving} onChange={(event) => setPaused(event.target.checked)} data-testid="job-register-paused" />
            Start paused
          </label>
          <span
            className={`save-state save-${status.kind === "registered" ? "saved" : status.kind}`}
            role={status.kind === "error" ? "alert" : undefined}
            aria-live="polite"
            data-testid="job-register-status"
            data-state={status.kind}
          >
            {status.kind === "saving"
              ? "Registering…"
              : status.kind === "registered"
                ? `Registered “${status.name}”`
                : status.kind === "error"
                  ? (status.message ?? "Check the fields marked above")
                  : ""}
          </span>
          <button type="submit" className="button button-primary" disabled={saving || !kind} data-testid="job-register-submit">
            {saving ? "Registering…" : "Register job"}
          </button>
        </div>
      </form>
    </section>
  );
}

function ParamInput(props: { field: ParamField; value: string | boolean; error: string | undefined; disabled: boolean; onChange(value: string | boolean): void }) {
  const { field, value, error, disabled, onChange } = props;
  const range =
    field.minimum !== undefined && field.maximum !== undefined
      ? `${field.minimum}–${field.maximum}`
      : field.minimum !== undefined
        ? `at least ${field.minimum}`
        : field.maximum !== undefined
          ? `at most ${field.maximum}`
          : undefined;
  const hint = [field.description, range].filter(Boolean).join(" · ") || undefined;
  if (field.type === "boolean") {
    return (
      <label className="checkbox job-param-checkbox">
        <input type="checkbox" checked={value === true} disabled={disabled} onChange={(event) => onChange(event.target.checked)} data-testid={`${ID}-field-param-${field.name}`} />
        {paramLabel(field.name)}
      </label>
    );
  }
  return (
    <Field idPrefix={ID} name={`param-${field.name}`} label={paramLabel(field.name)} error={error} hint={hint}>
      {(control) =>
        field.type === "enum" ? (
          <select {...control} className="input" disabled={disabled} value={String(value)} onChange={(event) => onChange(event.target.value)}>
            {field.options!.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        ) : (
          <input
            {...control}
            className={`input${field.type === "string" ? "" : " job-input-number"}`}
            type={field.type === "string" ? "text" : "number"}
            min={field.minimum}
            max={field.maximum}
            step={field.type === "integer" ? 1 : "any"}
            disabled={disabled}
            value={String(value)}
            onChange={(event) => onChange(event.target.value)}
          />
        )
      }
    </Field>
  );
}

"use client";

import { useCallback, useMemo, useState } from "react";
import type { ZodType } from "zod";
import type { JobSchedule, JobView } from "@/domain/jobs/schema";
import { isClientError } from "../live/trpc";
import { toJobView } from "./store";

/** Field → message (the first one); "(input)" for errors about the whole input. Keys as the API names them ("schedule.cron", "params.periodHours"). */
export type FieldErrors = Partial<Record<string, string>>;

// ---- schedule ----

export type ScheduleMode = "daily" | "interval" | "cron";
export type IntervalUnit = "seconds" | "minutes" | "hours";

/** A schedule as its editor holds it: every mode's fields, so switching modes loses nothing typed. */
export interface ScheduleDraft {
  mode: ScheduleMode;
  /** daily: "HH:MM". */
  time: string;
  /** daily: a day-of-week field, one of DAY_CHOICES. */
  days: string;
  /** interval: a whole number of `unit`. */
  every: string;
  unit: IntervalUnit;
  cron: string;
  /** daily and cron. */
  timeZone: string;
}

export const DAY_CHOICES = [
  { value: "*", label: "Every day" },
  { value: "1-5", label: "Monday to Friday" },
  { value: "0,6", label: "Saturday and Sunday" },
  { value: "1", label: "Mondays" },
  { value: "2", label: "Tuesdays" },
  { value: "3", label: "Wednesdays" },
  { value: "4", label: "Thursdays" },
  { value: "5", label: "Fridays" },
  { value: "6", label: "Saturdays" },
  { value: "0", label: "Sundays" },
] as const;

export const UNIT_SECONDS: Record<IntervalUnit, number> = { seconds: 1, minutes: 60, hours: 3_600 };

const pad = (n: number) => String(n).padStart(2, "0");
const DAILY = /^(?:0 )?(\d{1,2}) (\d{1,2}) \* \* (\S+)$/;

export function defaultScheduleDraft(timeZone: string): ScheduleDraft {
  return { mode: "daily", time: "08:00", days: "*", every: "15", unit: "minutes", cron: "0 8 * * *", timeZone };
}

/** The editor's draft for a stored schedule: a plain daily cron opens as "daily", whole minutes or hours as such. */
export function draftOfSchedule(schedule: JobSchedule, fallbackZone: string): ScheduleDraft {
  const base = defaultScheduleDraft(fallbackZone);
  if ("everySeconds" in schedule) {
    const seconds = schedule.everySeconds;
    const unit: IntervalUnit = seconds % 3_600 === 0 ? "hours" : seconds % 60 === 0 ? "minutes" : "seconds";
    return { ...base, mode: "interval", every: String(seconds / UNIT_SECONDS[unit]), unit };
  }
  const cron = schedule.cron.trim().replace(/\s+/g, " ");
  const daily = DAILY.exec(cron);
  const [minute, hour, days] = daily ? [Number(daily[1]), Number(daily[2]), daily[3]!] : [NaN, NaN, ""];
  const known = DAY_CHOICES.some((choice) => choice.value === days);
  if (daily && minute <= 59 && hour <= 23 && known) {
    return { ...base, mode: "daily", time: `${pad(hour)}:${pad(minute)}`, days, cron, timeZone: schedule.timeZone };
  }
  return { ...base, mode: "cron", cron, timeZone: schedule.timeZone };
}

/**
 * What the draft sends as `schedule` (not yet validated: the domain's schema
 * does that), or the error of a draft field that has no API counterpart.
 */
export function scheduleOfDraft(draft: ScheduleDraft): { schedule: Record<string, unknown> } | { errors: FieldErrors } {
  if (draft.mode === "interval") {
    const every = draft.every.trim();
    if (!/^\d{1,9}$/.test(every) || Number(every) < 1) return { errors: { "schedule.everySeconds": "a whole number, at least 1" } };
    return { schedule: { everySeconds: Number(every) * UNIT_SECONDS[draft.unit] } };
  }
  const timeZone = draft.timeZone.trim();
  if (draft.mode === "cron") return { schedule: { cron: draft.cron.trim(), timeZone } };
  const time = /^(\d{1,2}):(\d{2})$/.exec(draft.time.trim());
  if (!time || Number(time[1]) > 23 || Number(time[2]) > 59) return { errors: { "schedule.time": "a time of day, like 08:00" } };
  return { schedule: { cron: `${Number(time[2])} ${Number(time[1])} * * ${draft.days}`, timeZone } };
}

/** Which editor field shows an error the API names: in "daily" mode the cron is the time. */
export function scheduleErrorField(key: string, mode: ScheduleMode): "time" | "every" | "cron" | "timeZone" | null {
  if (key === "schedule.timeZone") return "timeZone";
  if (key === "schedule.everySeconds") return "every";
  if (key === "schedule.time") return "time";
  if (key === "schedule.cron" || key === "schedule") return mode === "daily" ? "time" : mode === "interval" ? "every" : "cron";
  return null;
}

export const sameSchedule = (a: JobSchedule, b: JobSchedule): boolean =>
  "everySeconds" in a
    ? "everySeconds" in b && a.everySeconds === b.everySeconds
    : "cron" in b && a.cron.trim().replace(/\s+/g, " ") === b.cron.trim().replace(/\s+/g, " ") && a.timeZone === b.timeZone;

// ---- a kind's params, from its JSON Schema (jobs.kinds) ----

export interface ParamField {
  name: string;
  type: "integer" | "number" | "boolean" | "string" | "enum";
  defaultValue: string | boolean;
  minimum?: number;
  maximum?: number;
  options?: string[];
  description?: string;
}

export type ParamValues = Record<string, string | boolean>;

/** The fields a kind's params schema describes (top-level properties of simple types; others are left to their defaults). */
export function paramFields(paramsSchema: Record<string, unknown>): ParamField[] {
  const properties = (paramsSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const fields: ParamField[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const description = typeof property.description === "string" ? property.description : undefined;
    const options = Array.isArray(property.enum) && property.enum.every((value) => typeof value === "string") ? (property.enum as string[]) : undefined;
    const type = options ? "enum" : property.type;
    if (type !== "integer" && type !== "number" && type !== "boolean" && type !== "string" && type !== "enum") continue;
    const fallback = type === "boolean" ? false : options ? options[0]! : "";
    const given = property.default;
    const defaultValue = typeof given === "boolean" ? given : given === undefined || given === null ? fallback : String(given);
    fields.push({
      name,
      type,
      defaultValue,
      ...(typeof property.minimum === "number" && { minimum: property.minimum }),
      ...(typeof property.maximum === "number" && { maximum: property.maximum }),
      ...(options && { options }),
      ...(description && { description }),
    });
  }
  return fields;
}

export const defaultParamValues = (fields: readonly ParamField[]): ParamValues => Object.fromEntries(fields.map((field) => [field.name, field.defaultValue]));

/** The params to send: numbers as numbers (a non-number is sent as typed, for the domain to name), empty fields left to their defaults. */
export function paramsOfValues(fields: readonly ParamField[], values: ParamValues): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined) continue;
    if (field.type === "boolean") params[field.name] = value === true;
    else if (typeof value === "string" && value.trim() === "") continue;
    else if (field.type === "integer" || field.type === "number") params[field.name] = Number.isFinite(Number(value)) ? Number(value) : value;
    else params[field.name] = String(value);
  }
  return params;
}

// ---- errors ----

/** Checks `input` against a domain schema before sending; null when valid. `prefix` names nested inputs ("params."). */
export function schemaErrors(schema: ZodType, input: unknown, prefix = ""): FieldErrors | null {
  const result = schema.safeParse(input);
  if (result.success) return null;
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length ? prefix + issue.path.join(".") : prefix ? prefix.replace(/\.$/, "") : "(input)";
    errors[field] ??= issue.message;
  }
  return errors;
}

/** `data.fieldErrors` of a BAD_REQUEST, first message per field. */
export function serverFieldErrors(error: unknown): FieldErrors | null {
  if (!isClientError(error)) return null;
  const fieldErrors = (error.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors;
  if (!fieldErrors) return null;
  return Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, messages[0] ?? "invalid"]));
}

/** `data.details.current` of a CONFLICT: the job as stored now. */
export function conflictCurrent(error: unknown): JobView | null {
  if (!isClientError(error)) return null;
  return toJobView((error.data as { details?: { current?: unknown } } | undefined)?.details?.current);
}

export function withoutError(errors: FieldErrors, ...fields: string[]): FieldErrors {
  const rest = { ...errors };
  for (const field of fields) delete rest[field];
  return rest;
}

// ---- an open schedule edit ----

export type EditPhase =
  | { kind: "editing" }
  | { kind: "saving" }
  /** Refused: the schedule changed elsewhere. `theirs` is what the server held then (the page shows the live job). */
  | { kind: "conflict"; mine: JobSchedule; theirs: JobView }
  | { kind: "error"; message: string | null; fieldErrors: FieldErrors }
  /** The job was deleted elsewhere. */
  | { kind: "gone" };

export interface ScheduleEdit {
  /** The schedule shown when editing began: a conflict is a change of it elsewhere. */
  start: JobSchedule;
  /** The version shown when editing began: the save's expectedVersion. */
  baseVersion: number;
  /** The job's name then, for a notice if it is deleted meanwhile. */
  name: string;
  draft: ScheduleDraft;
  phase: EditPhase;
}

export interface ScheduleEdits {
  edits: Readonly<Record<string, ScheduleEdit>>;
  begin(view: JobView, fallbackZone: string): void;
  change(id: string, draft: ScheduleDraft, clearedErrors: string[]): void;
  setPhase(id: string, phase: EditPhase): void;
  close(id: string): void;
}

/**
 * The page's open schedule edits, kept above the job cards so that an edit of
 * a job deleted elsewhere is not dropped silently with its card.
 */
export function useScheduleEdits(): ScheduleEdits {
  const [edits, setEdits] = useState<Record<string, ScheduleEdit>>({});
  const update = useCallback((id: string, next: (edit: ScheduleEdit) => ScheduleEdit | null) => {
    setEdits((current) => {
      const edit = current[id];
      if (!edit) return current;
      const { [id]: _, ...rest } = current;
      const replaced = next(edit);
      return replaced ? { ...rest, [id]: replaced } : rest;
    });
  }, []);
  return useMemo(
    () => ({
      edits,
      begin: (view, fallbackZone) =>
        setEdits((current) => ({
          ...current,
          [view.id]: { start: view.schedule, baseVersion: view.version, name: view.name, draft: draftOfSchedule(view.schedule, fallbackZone), phase: { kind: "editing" } },
        })),
      change: (id, draft, clearedErrors) =>
        update(id, (edit) => ({
          ...edit,
          draft,
          phase: edit.phase.kind === "error" ? { ...edit.phase, fieldErrors: withoutError(edit.phase.fieldErrors, ...clearedErrors) } : edit.phase,
        })),
      setPhase: (id, phase) => update(id, (edit) => ({ ...edit, phase })),
      close: (id) => update(id, () => null),
    }),
    [edits, update],
  );
}

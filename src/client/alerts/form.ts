import { useCallback, useMemo, useState } from "react";
import type { AlertCondition, AlertMode, AlertView, CreateAlertInput } from "@/domain/alerts/schema";
import type { FieldErrors } from "../ui/field-errors";
import { fromWallTime, toWallTime } from "../ui/zoned-time";
import type { AlertChanges } from "./actions";

/** An alert's fields as the form holds them: text as typed; expiry as a wall time in the display zone ("" = none). */
export interface AlertDraft {
  ticker: string;
  condition: AlertCondition;
  threshold: string;
  mode: AlertMode;
  cooldownSeconds: string;
  expiresAt: string;
  note: string;
}

export type DraftField = keyof AlertDraft;
export type EditableField = Exclude<DraftField, "ticker">;
export const EDITABLE_FIELDS: readonly EditableField[] = ["condition", "threshold", "mode", "cooldownSeconds", "expiresAt", "note"];

export const FIELD_LABELS: Record<DraftField, string> = {
  ticker: "Ticker",
  condition: "Condition",
  threshold: "Threshold",
  mode: "Mode",
  cooldownSeconds: "Cooldown",
  expiresAt: "Expires",
  note: "Note",
};

export function newDraft(ticker: string, cooldownSeconds: number | undefined): AlertDraft {
  return {
    ticker,
    condition: "crossesUp",
    threshold: "",
    mode: "once",
    cooldownSeconds: cooldownSeconds === undefined ? "" : String(cooldownSeconds),
    expiresAt: "",
    note: "",
  };
}

export function draftOf(view: AlertView, zone: string | undefined): AlertDraft {
  return {
    ticker: view.ticker,
    condition: view.condition,
    threshold: String(view.threshold),
    mode: view.mode,
    cooldownSeconds: String(view.cooldownSeconds),
    expiresAt: toWallTime(view.expiresAt, zone),
    note: view.note ?? "",
  };
}

/** A typed number ("1,234.50" is 1234.5); NaN when it is not one, so the schema names the field. */
export function parseNumber(text: string): number {
  const cleaned = text.replace(/[,\s_]/g, "");
  return cleaned === "" ? Number.NaN : Number(cleaned);
}

/** What `alerts.create` takes; an empty cooldown leaves it to the alertCooldownSeconds setting. */
export function createInputOf(draft: AlertDraft, zone: string | undefined): Omit<CreateAlertInput, "requestId"> {
  const cooldown = draft.cooldownSeconds.trim();
  return {
    ticker: draft.ticker.trim().toUpperCase(),
    condition: draft.condition,
    threshold: parseNumber(draft.threshold),
    mode: draft.mode,
    ...(cooldown === "" ? {} : { cooldownSeconds: parseNumber(cooldown) }),
    expiresAt: fromWallTime(draft.expiresAt, zone),
    note: draft.note.trim() === "" ? null : draft.note.trim(),
  };
}

/** Whether `field` holds a different value in `a` and `b` (numbers compared as numbers, text trimmed). */
export function differs(field: DraftField, a: AlertDraft, b: AlertDraft): boolean {
  if (field === "threshold" || field === "cooldownSeconds") {
    const [x, y] = [parseNumber(a[field]), parseNumber(b[field])];
    return Number.isNaN(x) || Number.isNaN(y) ? a[field].trim() !== b[field].trim() : x !== y;
  }
  return a[field].trim() !== b[field].trim();
}

/** Only the fields the trader changed since `start`, as `alerts.update` takes them. */
export function changesOf(start: AlertDraft, draft: AlertDraft, zone: string | undefined): AlertChanges {
  const changes: AlertChanges = {};
  if (differs("condition", start, draft)) changes.condition = draft.condition;
  if (differs("threshold", start, draft)) changes.threshold = parseNumber(draft.threshold);
  if (differs("mode", start, draft)) changes.mode = draft.mode;
  if (differs("cooldownSeconds", start, draft)) changes.cooldownSeconds = parseNumber(draft.cooldownSeconds);
  if (differs("expiresAt", start, draft)) changes.expiresAt = fromWallTime(draft.expiresAt, zone);
  if (differs("note", start, draft)) changes.note = draft.note.trim() === "" ? null : draft.note.trim();
  return changes;
}

export const hasChanges = (changes: AlertChanges): boolean => Object.keys(changes).length > 0;

/** The fields whose stored value is no longer the one the edit started from. */
export function changedSince(start: AlertDraft, current: AlertView, zone: string | undefined): EditableField[] {
  const now = draftOf(current, zone);
  return EDITABLE_FIELDS.filter((field) => differs(field, start, now));
}

/**
 * The fields of a refused save that were also changed elsewhere: the real
 * conflicts. A version also moves when the alert fires, is rearmed or
 * disabled, none of which touches what the trader edited.
 */
export function conflictingFields(start: AlertDraft, changes: AlertChanges, current: AlertView, zone: string | undefined): EditableField[] {
  const touched = new Set(Object.keys(changes));
  return changedSince(start, current, zone).filter((field) => touched.has(field));
}

export type EditPhase =
  | { kind: "editing" }
  | { kind: "saving" }
  /** Saved as `version`; the edit closes once the store shows it. */
  | { kind: "saved"; version: number }
  /** Refused: changed elsewhere in a field this save writes. */
  | { kind: "conflict"; mine: AlertChanges; theirs: AlertView }
  | { kind: "error"; message: string | null; fieldErrors: FieldErrors }
  | { kind: "gone" };

/** One open edit of one alert. */
export interface EditSession {
  /** The values shown when editing began: what the changes are computed against. */
  start: AlertDraft;
  /** The version shown when editing began: the save's expectedVersion. */
  baseVersion: number;
  draft: AlertDraft;
  phase: EditPhase;
}

export interface EditSessions {
  sessions: Readonly<Record<string, EditSession>>;
  begin(view: AlertView): void;
  change<F extends EditableField>(id: string, field: F, value: AlertDraft[F]): void;
  setPhase(id: string, phase: EditPhase): void;
  /** Starts over from `view` (after "reload theirs"): the trader's changes are dropped. */
  restart(view: AlertView): void;
  close(id: string): void;
}

/** The page's open edits, kept above the rows so an edit of an alert deleted elsewhere is reported, not dropped. */
export function useEditSessions(zone: string | undefined): EditSessions {
  const [sessions, setSessions] = useState<Record<string, EditSession>>({});
  const update = useCallback((id: string, next: (session: EditSession) => EditSession | null) => {
    setSessions((current) => {
      const session = current[id];
      if (!session) return current;
      const { [id]: _, ...rest } = current;
      const replaced = next(session);
      return replaced ? { ...rest, [id]: replaced } : rest;
    });
  }, []);
  const fresh = useCallback(
    (view: AlertView): EditSession => {
      const start = draftOf(view, zone);
      return { start, baseVersion: view.version, draft: start, phase: { kind: "editing" } };
    },
    [zone],
  );
  return useMemo(
    () => ({
      sessions,
      begin: (view) => setSessions((current) => (current[view.id] ? current : { ...current, [view.id]: fresh(view) })),
      change: (id, field, value) =>
        update(id, (session) => ({
          ...session,
          draft: { ...session.draft, [field]: value },
          phase: session.phase.kind === "error" ? withoutFieldError(session.phase, field) : session.phase,
        })),
      setPhase: (id, phase) => update(id, (session) => ({ ...session, phase })),
      restart: (view) => update(view.id, () => fresh(view)),
      close: (id) => update(id, () => null),
    }),
    [sessions, update, fresh],
  );
}

export function withoutFieldError<P extends { fieldErrors: FieldErrors }>(phase: P, field: string): P {
  const { [field]: _, ...fieldErrors } = phase.fieldErrors;
  return { ...phase, fieldErrors };
}

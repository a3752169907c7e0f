"use client";

import { useCallback, useMemo, useState } from "react";
import type { ZodType } from "zod";
import type { ProviderView } from "@/domain/providers/schema";
import { isClientError } from "../live/trpc";
import { toProviderView } from "./store";

/** The editable fields of a provider as the form holds them (a missing base URL is ""). */
export interface ProviderDraft {
  name: string;
  model: string;
  baseUrl: string;
}

export interface ProviderChanges {
  name?: string;
  model?: string;
  /** null clears it. */
  baseUrl?: string | null;
}

/** What a save sends: the changed fields and, if the trader typed one, a replacement key. */
export interface PendingUpdate {
  changes: ProviderChanges;
  /** Held only in memory for "re-apply mine"; never rendered. */
  apiKey?: string;
}

export type EditableField = keyof ProviderDraft | "apiKey";

/** Field → message (the first one); "(input)" for errors about the whole input. */
export type FieldErrors = Partial<Record<string, string>>;

export const draftOf = (view: ProviderView): ProviderDraft => ({ name: view.name, model: view.model, baseUrl: view.baseUrl ?? "" });

/** Only the fields the trader changed since `start`, as the update procedure takes them. */
export function changesOf(start: ProviderDraft, draft: ProviderDraft): ProviderChanges {
  const changes: ProviderChanges = {};
  if (draft.name.trim() !== start.name.trim()) changes.name = draft.name.trim();
  if (draft.model.trim() !== start.model.trim()) changes.model = draft.model.trim();
  if (draft.baseUrl.trim() !== start.baseUrl.trim()) changes.baseUrl = draft.baseUrl.trim() === "" ? null : draft.baseUrl.trim();
  return changes;
}

/** Fields whose stored value is no longer the one the edit started from (the key by its hint). */
export function changedSince(start: ProviderDraft, startHint: string, current: ProviderView): EditableField[] {
  const now = draftOf(current);
  const fields = (["name", "model", "baseUrl"] as const).filter((field) => now[field].trim() !== start[field].trim());
  return current.apiKeyHint === startHint ? fields : [...fields, "apiKey"];
}

/**
 * The fields of a refused save that were also changed elsewhere: the real
 * conflicts. A version can move without any of them changing (activating
 * another provider deactivates this one, which bumps its version).
 */
export function conflictingFields(start: ProviderDraft, startHint: string, pending: PendingUpdate, current: ProviderView): EditableField[] {
  const touched = new Set<string>([...Object.keys(pending.changes), ...(pending.apiKey !== undefined ? ["apiKey"] : [])]);
  return changedSince(start, startHint, current).filter((field) => touched.has(field));
}

export const hasChanges = (changes: ProviderChanges): boolean => Object.keys(changes).length > 0;

/** Checks `input` against the domain's schema before sending; null when valid. */
export function schemaErrors(schema: ZodType, input: unknown): FieldErrors | null {
  const result = schema.safeParse(input);
  if (result.success) return null;
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : "(input)";
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

/** `data.details.current` of a CONFLICT: the provider as stored now. */
export function conflictCurrent(error: unknown): ProviderView | null {
  if (!isClientError(error)) return null;
  return toProviderView((error.data as { details?: { current?: unknown } } | undefined)?.details?.current);
}

export type EditPhase =
  | { kind: "editing" }
  | { kind: "saving" }
  /** Saved as `version`; the edit closes once the store shows it, so the row never shows the old values in between. */
  | { kind: "saved"; version: number }
  /** The save was refused: `theirs` is what the server held then (the page shows the live value). */
  | { kind: "conflict"; mine: PendingUpdate; theirs: ProviderView }
  | { kind: "error"; message: string | null; fieldErrors: FieldErrors }
  | { kind: "gone" };

/** One open edit of one provider. */
export interface EditSession {
  /** The values shown when editing began: what the changes are computed against. */
  start: ProviderDraft;
  /** The version shown when editing began: the save's expectedVersion. */
  baseVersion: number;
  /** The key hint shown when editing began (a replaced key elsewhere changes it). */
  startHint: string;
  draft: ProviderDraft;
  phase: EditPhase;
}

export interface EditSessions {
  sessions: Readonly<Record<string, EditSession>>;
  begin(view: ProviderView): void;
  change(id: string, field: keyof ProviderDraft, value: string): void;
  setPhase(id: string, phase: EditPhase): void;
  /** Starts over from `view` (after "reload theirs"): the trader's changes are dropped. */
  restart(view: ProviderView): void;
  close(id: string): void;
}

/**
 * The page's open edits, kept above the rows so that an edit of a provider
 * deleted elsewhere is not dropped with its row: the page tells the trader.
 */
export function useEditSessions(): EditSessions {
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
  const fresh = useCallback((view: ProviderView): EditSession => {
    const start = draftOf(view);
    return { start, baseVersion: view.version, startHint: view.apiKeyHint, draft: start, phase: { kind: "editing" } };
  }, []);

  return useMemo(
    () => ({
      sessions,
      begin: (view) => setSessions((current) => (current[view.id] ? current : { ...current, [view.id]: fresh(view) })),
      change: (id, field, value) =>
        update(id, (session) => ({
          ...session,
          draft: { ...session.draft, [field]: value },
          phase: session.phase.kind === "error" ? clearFieldError(session.phase, field) : session.phase,
        })),
      setPhase: (id, phase) => update(id, (session) => ({ ...session, phase })),
      restart: (view) => update(view.id, () => fresh(view)),
      close: (id) => update(id, () => null),
    }),
    [sessions, update, fresh],
  );
}

function clearFieldError(phase: Extract<EditPhase, { kind: "error" }>, field: string): EditPhase {
  const { [field]: _, ...fieldErrors } = phase.fieldErrors;
  return { ...phase, fieldErrors };
}

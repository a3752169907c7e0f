"use client";

import { useCallback, useMemo, useState } from "react";
import type { ProviderView } from "@/domain/providers/schema";
import { draftOf, type FieldErrors, type PendingUpdate, type ProviderDraft } from "./provider-form";

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

import type { ZodType } from "zod";
import type { ProviderView } from "@/domain/providers/schema";
import { toProviderView } from "./providers-cache";
import { newRequestId, retryTransient } from "./setting-saver";
import { isClientError } from "./trpc";

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

/**
 * Sends one logical mutation. The request id is chosen once and kept across
 * the retries of a network failure, so the server applies it at most once.
 */
export function sendOnce<T>(send: (requestId: string) => Promise<T>): Promise<T> {
  const requestId = newRequestId();
  return retryTransient(() => send(requestId));
}

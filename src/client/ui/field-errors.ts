import type { ZodType } from "zod";
import { isClientError } from "../live/trpc";

/** Field → its first message; "(input)" for errors about the whole input. */
export type FieldErrors = Partial<Record<string, string>>;

/** Checks `input` against a domain input schema before sending; null when valid. */
export function schemaFieldErrors(schema: ZodType, input: unknown): FieldErrors | null {
  const result = schema.safeParse(input);
  if (result.success) return null;
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : "(input)";
    errors[field] ??= issue.message;
  }
  return errors;
}

/** `data.fieldErrors` of a BAD_REQUEST, first message per field (null for any other error). */
export function serverFieldErrors(error: unknown): FieldErrors | null {
  if (!isClientError(error)) return null;
  const fieldErrors = (error.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors;
  if (!fieldErrors) return null;
  return Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, messages[0] ?? "invalid"]));
}

/** `data.details.current` of a CONFLICT: the entity as stored now (unchecked). */
export function conflictCurrentRaw(error: unknown): unknown {
  if (!isClientError(error)) return null;
  return (error.data as { details?: { current?: unknown } } | undefined)?.details?.current ?? null;
}

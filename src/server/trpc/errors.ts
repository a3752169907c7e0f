import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import { DomainError, type DomainErrorCode } from "@/domain/errors";
import { zodFieldErrors } from "@/domain/validation";
import { isTransientDbError } from "@/db/retry";

/** The one place where domain errors become tRPC errors. */
const codeFor: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED: "UNAUTHORIZED",
};

/**
 * Deliberate errors keep their code and message; anything else (a Prisma
 * error, a bug, a failed output check) becomes a generic internal error whose
 * ref the server log prints next to the real cause.
 */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error.code === "INTERNAL_SERVER_ERROR" ? internalError(error) : error;
  if (error instanceof DomainError) return new TRPCError({ code: codeFor[error.code], message: error.message, cause: error });
  if (isTransientDbError(error)) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The database stayed busy; the change was not applied. It is safe to retry.",
      cause: error instanceof Error ? error : undefined,
    });
  }
  return internalError(error);
}

const INTERNAL_MESSAGE = /^internal error \(ref ([0-9a-f]{12})\)$/;
const refs = new WeakMap<object, string>();

function internalError(cause: unknown): TRPCError {
  if (cause instanceof TRPCError && INTERNAL_MESSAGE.test(cause.message)) return cause;
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `internal error (ref ${randomBytes(6).toString("hex")})`, cause });
}

/**
 * The correlation id of an INTERNAL_SERVER_ERROR, the same for the response
 * and the server log. Errors raised outside the procedure chain (context,
 * transport) get one here, keyed by their cause: tRPC may wrap one cause twice.
 */
export function internalErrorRef(error: TRPCError): string {
  const own = INTERNAL_MESSAGE.exec(error.message)?.[1];
  if (own) return own;
  const key: object = typeof error.cause === "object" && error.cause !== null ? error.cause : error;
  let ref = refs.get(key);
  if (!ref) refs.set(key, (ref = randomBytes(6).toString("hex")));
  return ref;
}

export const publicInternalMessage = (error: TRPCError) => `internal error (ref ${internalErrorRef(error)})`;

export interface ErrorData {
  /** Field path → messages, for bad input (zod or domain validation); bounded by `boundFieldErrors`. */
  fieldErrors?: Record<string, string[]>;
  /** Domain details, e.g. `{ current }` on CONFLICT. */
  details?: unknown;
}

export function errorData(cause: unknown): ErrorData {
  if (cause instanceof ZodError) return { fieldErrors: boundFieldErrors(zodFieldErrors(cause)) };
  if (cause instanceof DomainError) {
    const details = cause.details as { fieldErrors?: Record<string, string[]> } | undefined;
    return details?.fieldErrors ? { fieldErrors: boundFieldErrors(details.fieldErrors) } : { details };
  }
  return {};
}

export const ERROR_OUTPUT_LIMITS = { fields: 20, messagesPerField: 3, messageChars: 160, fieldNameChars: 100 } as const;

/** A rejection stays a few KB however many fields failed: the first fields and messages, clipped, and a count of the rest. */
export function boundFieldErrors(fieldErrors: Record<string, string[]>): Record<string, string[]> {
  const { fields, messagesPerField, messageChars, fieldNameChars } = ERROR_OUTPUT_LIMITS;
  const entries = Object.entries(fieldErrors);
  const bounded: Record<string, string[]> = {};
  for (const [field, messages] of entries.slice(0, fields)) {
    const shown = messages.slice(0, messagesPerField).map((message) => clip(message, messageChars));
    if (messages.length > messagesPerField) shown.push(`(and ${messages.length - messagesPerField} more)`);
    (bounded[clip(field, fieldNameChars)] ??= []).push(...shown);
  }
  if (entries.length > fields) (bounded["(input)"] ??= []).push(`(and ${entries.length - fields} more fields)`);
  return bounded;
}

/** At most `max` characters, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? "")) end--;
  return `${text.slice(0, end)}…`;
}

/** What the server log prints for an internal error: the real cause, with its stack. */
export function internalErrorCause(error: TRPCError): string {
  let cause: unknown = error;
  while (cause instanceof TRPCError && INTERNAL_MESSAGE.test(cause.message) && cause.cause !== undefined) cause = cause.cause;
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}

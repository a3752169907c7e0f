import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import { DomainError, type DomainErrorCode } from "@/domain/errors";
import { zodFieldErrors } from "@/domain/validation";
import { isTransientDbError } from "../db/retry";

/** The one place where domain errors become tRPC errors. */
const codeFor: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED: "UNAUTHORIZED",
};

export function toTRPCError(error: unknown): unknown {
  if (error instanceof TRPCError) return error;
  if (error instanceof DomainError) return new TRPCError({ code: codeFor[error.code], message: error.message, cause: error });
  if (isTransientDbError(error)) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The database stayed busy; the change was not applied. It is safe to retry.",
      cause: error instanceof Error ? error : undefined,
    });
  }
  return error;
}

export interface ErrorData {
  /** Field path → messages, for bad input (zod or domain validation). */
  fieldErrors?: Record<string, string[]>;
  /** Domain details, e.g. `{ current }` on CONFLICT. */
  details?: unknown;
}

export function errorData(cause: unknown): ErrorData {
  if (cause instanceof ZodError) return { fieldErrors: zodFieldErrors(cause) };
  if (cause instanceof DomainError) {
    const details = cause.details as { fieldErrors?: Record<string, string[]> } | undefined;
    return details?.fieldErrors ? { fieldErrors: details.fieldErrors } : { details };
  }
  return {};
}

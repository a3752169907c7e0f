/**
 * Domain errors carry a code from this small vocabulary; the tRPC layer maps
 * them to tRPC codes in exactly one place (src/server/trpc/errors.ts).
 */
export type DomainErrorCode = "BAD_REQUEST" | "NOT_FOUND" | "CONFLICT" | "FORBIDDEN" | "UNAUTHORIZED";

export class DomainError<TDetails = unknown> extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: TDetails,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** A write lost a version check; `details.current` is what the database holds now. */
export class ConflictError<TCurrent = unknown> extends DomainError<{ current: TCurrent }> {
  constructor(message: string, current: TCurrent) {
    super("CONFLICT", message, { current });
    this.name = "ConflictError";
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super("NOT_FOUND", message);
    this.name = "NotFoundError";
  }
}

/** Invalid input; `details.fieldErrors` maps a field path to its messages. */
export class ValidationError extends DomainError<{ fieldErrors: Record<string, string[]> }> {
  constructor(message: string, fieldErrors: Record<string, string[]>) {
    super("BAD_REQUEST", message, { fieldErrors });
    this.name = "ValidationError";
  }
}

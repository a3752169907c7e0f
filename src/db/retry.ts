/**
 * The one place transient database conflicts are retried (docs/architecture.md, "The write rules").
 * Bounded and jittered; whatever still fails after the last attempt is
 * rethrown unchanged, so a caller sees an error, never a silent loss.
 */
export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Also retry unique-constraint races (P2002) — for "create if missing" paths. */
  retryUniqueViolation?: boolean;
}

const TRANSIENT_PRISMA_CODES = new Set(["P1008", "P2028", "P2034"]);
const TRANSIENT_SQLSTATES = new Set(["40001", "40P01"]);

export function isTransientDbError(error: unknown, retryUniqueViolation = false): boolean {
  const e = error as { code?: unknown; message?: unknown; meta?: { driverAdapterError?: unknown } } | null;
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string") {
    if (TRANSIENT_PRISMA_CODES.has(e.code) || TRANSIENT_SQLSTATES.has(e.code)) return true;
    if (retryUniqueViolation && e.code === "P2002") return true;
    if (e.code.startsWith("SQLITE_BUSY")) return true;
  }
  const text = `${String(e.message ?? "")} ${safeJson(e.meta?.driverAdapterError)}`;
  return /SQLITE_BUSY|database is locked|40001|40P01|could not serialize|deadlock detected/i.test(text);
}

export async function withRetry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 12;
  const base = options.baseDelayMs ?? 5;
  const max = options.maxDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= attempts || !isTransientDbError(error, options.retryUniqueViolation)) throw error;
      // Full jitter: spreads retrying processes apart instead of re-colliding.
      const ceiling = Math.min(max, base * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}

function safeJson(value: unknown): string {
  try {
    return value === undefined ? "" : JSON.stringify(value);
  } catch {
    return "";
  }
}

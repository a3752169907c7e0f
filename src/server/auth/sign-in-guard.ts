import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import type { Database } from "@/db/client";

/**
 * Per-account sign-in limit, beside Better Auth's per-address one: after
 * FREE_FAILURES wrong passwords for one email within WINDOW_MS, that email is
 * locked for a back-off that doubles with each further failure (capped). The
 * counters are rows in the database, so every process and host enforces the
 * same lock. Keyed by the email as typed (normalized), whether or not such an
 * account exists, so the answer never reveals which emails are registered.
 * See docs/decisions/0008-sign-in-limits.md.
 */
export const FREE_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
export const MAX_LOCK_MS = 15 * 60_000;

export function lockMsAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_MS, 1_000 * 2 ** (failures - FREE_FAILURES));
}

export function accountKey(email: unknown): string | null {
  if (typeof email !== "string" || email.length === 0 || email.length > 320) return null;
  return `email:${email.trim().toLowerCase()}`;
}

/** Seconds until `key` may try again, or 0. */
export async function lockedFor(db: Database, key: string, now = new Date()): Promise<number> {
  const row = await db.prisma.signInFailure.findUnique({ where: { key }, select: { lockedUntil: true } });
  if (!row?.lockedUntil || row.lockedUntil <= now) return 0;
  return Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
}

export async function recordFailure(db: Database, key: string, now = new Date()): Promise<number> {
  // A streak older than the window starts over; conditional, so racing processes agree.
  await db.prisma.signInFailure.updateMany({
    where: { key, lastFailureAt: { lt: new Date(now.getTime() - WINDOW_MS) } },
    data: { failures: 0, lockedUntil: null },
  });
  // One atomic increment (INSERT … ON CONFLICT DO UPDATE): concurrent failures from
  // several processes each count.
  const { failures } = await db.prisma.signInFailure.upsert({
    where: { key },
    create: { key, failures: 1, lastFailureAt: now },
    update: { failures: { increment: 1 }, lastFailureAt: now },
    select: { failures: true },
  });
  const lockMs = lockMsAfter(failures);
  if (lockMs > 0) {
    const until = new Date(now.getTime() + lockMs);
    // Only ever extends a lock: a slower process with a smaller count cannot shorten it.
    await db.prisma.signInFailure.updateMany({
      where: { key, OR: [{ lockedUntil: null }, { lockedUntil: { lt: until } }] },
      data: { lockedUntil: until },
    });
  }
  return failures;
}

export async function clearFailures(db: Database, key: string): Promise<void> {
  await db.prisma.signInFailure.deleteMany({ where: { key } });
}

const SIGN_IN_PATH = "/sign-in/email";

/** Better Auth hooks: refuse a locked account before the password is checked; count the outcome after. */
export function signInGuard(db: Database, enabled: boolean) {
  return {
    before: createAuthMiddleware(async (ctx) => {
      if (!enabled || ctx.path !== SIGN_IN_PATH) return;
      const key = accountKey((ctx.body as { email?: unknown } | undefined)?.email);
      if (!key) return;
      const seconds = await lockedFor(db, key);
      if (seconds > 0) {
        throw new APIError(
          "TOO_MANY_REQUESTS",
          { message: `Too many failed sign-ins for this account. Try again in ${seconds} s.`, code: "ACCOUNT_SIGN_IN_LOCKED" },
          { "Retry-After": String(seconds), "X-Retry-After": String(seconds) },
        );
      }
    }),
    after: createAuthMiddleware(async (ctx) => {
      if (!enabled || ctx.path !== SIGN_IN_PATH) return;
      const key = accountKey((ctx.body as { email?: unknown } | undefined)?.email);
      if (!key) return;
      const returned = ctx.context.returned;
      const status = isAPIError(returned) ? returned.statusCode : returned instanceof Response ? returned.status : 200;
      if (status === 401) await recordFailure(db, key);
      else if (status < 300) await clearFailures(db, key);
    }),
  };
}

import type { Database } from "@/db/client";
import { NotFoundError } from "../errors";
import { writeForUser } from "../writes";
import { parseInput } from "../validation";
import { revokeSessionsInput, type RevokeSessionsInput } from "./schema";

/**
 * Signs out one session or all of them. Returns the revoked session tokens so
 * the caller can drop them from its process's session cache at once (other
 * processes stop trusting them within their cache TTL).
 */
export async function revokeSessions(db: Database, userId: string, rawInput: RevokeSessionsInput): Promise<{ revoked: number; tokens: string[] }> {
  const input = parseInput(revokeSessionsInput, rawInput, "invalid sessions");
  return writeForUser(db, userId, { operation: "account.sessions.revoke" }, async (tx, log) => {
    // The owner is part of every WHERE clause: another user's session id matches nothing.
    const where = "id" in input ? { userId, id: input.id } : { userId };
    const rows = await tx.session.findMany({ where, select: { id: true, token: true } });
    if ("id" in input && rows.length === 0) throw new NotFoundError("session not found");
    const { count } = await tx.session.deleteMany({ where: { userId, id: { in: rows.map((row) => row.id) } } });
    for (const row of rows) await log.append({ type: "session.revoked", entity: "session", entityId: row.id, version: 1, payload: { id: row.id } });
    return { revoked: count, tokens: rows.map((row) => row.token) };
  });
}

/**
 * Deletes sign-in failure counters that can no longer lock anything: no failure
 * since `olderThan` (well past the counting window) and no lock still running
 * at `now`. Safe in every process at once.
 */
export async function pruneSignInFailures(db: Database, now: Date, olderThan: Date): Promise<number> {
  const { count } = await db.prisma.signInFailure.deleteMany({
    where: { lastFailureAt: { lt: olderThan }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
  });
  return count;
}

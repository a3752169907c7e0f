import superjson from "superjson";
import type { Database, Sql } from "@/db/client";
import type { NewEvent } from "./schema";

export const EVENTS_COMMITTED = "events-committed";
export const PG_EVENTS_CHANNEL = "vo_events";

export interface EventLogWriter {
  append(event: NewEvent): Promise<number>;
}

/**
 * The first statement of every write transaction (src/domain/writes.ts): bumps the
 * user's counter row, which takes the user's write lock (docs/decisions/0002), and
 * in the same statement reserves the next event number. Null when the row is missing.
 * A transaction that appends other than exactly one event settles the counter with
 * `settleEventSeq` before it commits, so committed numbers have no gaps.
 */
export async function lockUserLog(sql: Sql, userId: string): Promise<number | null> {
  const rows = await sql.all<{ eventSeq: number }>(
    `UPDATE "user_counter" SET "lockSeq" = "lockSeq" + 1, "eventSeq" = "eventSeq" + 1 WHERE "userId" = ? RETURNING "eventSeq"`,
    userId,
  );
  return rows[0]?.eventSeq ?? null;
}

/** Moves the counter by `delta` (appended − 1) so that it ends at the last appended event. */
export async function settleEventSeq(sql: Sql, userId: string, delta: number): Promise<void> {
  if (delta !== 0) await sql.run(`UPDATE "user_counter" SET "eventSeq" = "eventSeq" + ? WHERE "userId" = ?`, delta, userId);
}

const INSERT_EVENT = `INSERT INTO "event" ("userId", "seq", "type", "entity", "entityId", "version", "payload", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

/** Appends event number `seq` inside the writing transaction (src/domain/writes.ts is the only caller). */
export async function appendEvent(sql: Sql, userId: string, seq: number, event: NewEvent): Promise<number> {
  const values = [userId, seq, event.type, event.entity, event.entityId, event.version, superjson.stringify(event.payload), new Date()];
  if (sql.provider === "postgresql") {
    // NOTIFY is transactional: other processes are woken only once this commits.
    await sql.all(`${INSERT_EVENT} RETURNING pg_notify(?, ?)::text AS "notified"`, ...values, PG_EVENTS_CHANNEL, userId);
  } else {
    await sql.run(INSERT_EVENT, ...values);
  }
  return seq;
}

/** Creates the user's counter row if it is missing; a concurrent creator winning is fine. */
export async function ensureUserCounter(db: Database, userId: string): Promise<void> {
  try {
    await db.prisma.userCounter.create({ data: { userId }, select: { userId: true } });
  } catch (error) {
    if ((error as { code?: string }).code !== "P2002") throw error;
  }
}

/** Retention: deletes events older than `olderThan`. Safe to run in every process at once. */
export async function pruneEvents(db: Database, olderThan: Date): Promise<number> {
  const { count } = await db.prisma.event.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return count;
}

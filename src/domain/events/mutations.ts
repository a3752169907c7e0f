import superjson from "superjson";
import type { Database, Tx } from "@/server/db/client";
import type { NewEvent } from "./schema";

export const EVENTS_COMMITTED = "events-committed";
export const PG_EVENTS_CHANNEL = "vo_events";

export interface EventLogWriter {
  append(event: NewEvent): Promise<number>;
}

class MissingUserCounter extends Error {}

/**
 * Runs one write for one user: a transaction whose FIRST statement bumps the
 * user's counter row. That write takes the user's row lock on PostgreSQL (so
 * this user's write transactions run one after another and every later read in
 * the transaction sees the previous commit) and, on SQLite, comes after BEGIN
 * IMMEDIATE; event sequence numbers are therefore handed out in commit order.
 * Events appended through `log` commit or roll back with the change itself.
 */
export async function writeForUser<T>(
  db: Database,
  userId: string,
  work: (tx: Tx, log: EventLogWriter) => Promise<T>,
): Promise<T> {
  const run = () =>
    db.transaction(async (tx) => {
      const locked = await tx.userCounter.updateMany({ where: { userId }, data: { lockSeq: { increment: 1 } } });
      if (locked.count !== 1) throw new MissingUserCounter();
      let appended = 0;
      const result = await work(tx, {
        async append(event) {
          appended++;
          return appendEvent(db, tx, userId, event);
        },
      });
      return { result, appended };
    });

  let outcome: { result: T; appended: number };
  try {
    outcome = await run();
  } catch (error) {
    if (!(error instanceof MissingUserCounter)) throw error;
    await ensureUserCounter(db, userId);
    outcome = await run();
  }
  if (outcome.appended > 0) db.bus.emit(EVENTS_COMMITTED, userId);
  return outcome.result;
}

async function appendEvent(db: Database, tx: Tx, userId: string, event: NewEvent): Promise<number> {
  const { eventSeq } = await tx.userCounter.update({
    where: { userId },
    data: { eventSeq: { increment: 1 } },
    select: { eventSeq: true },
  });
  await tx.event.create({
    data: {
      userId,
      seq: eventSeq,
      type: event.type,
      entity: event.entity,
      entityId: event.entityId,
      version: event.version,
      payload: superjson.stringify(event.payload),
    },
    select: { id: true },
  });
  // NOTIFY is transactional: other processes are woken only once this commits.
  if (db.provider === "postgresql") await tx.$executeRaw`SELECT pg_notify(${PG_EVENTS_CHANNEL}, ${userId})`;
  return eventSeq;
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

import superjson from "superjson";
import type { Database, Tx } from "@/db/client";
import type { NewEvent } from "./schema";

export const EVENTS_COMMITTED = "events-committed";
export const PG_EVENTS_CHANNEL = "vo_events";

export interface EventLogWriter {
  append(event: NewEvent): Promise<number>;
}

/** Appends one event inside the writing transaction (src/domain/writes.ts is the only caller). */
export async function appendEvent(db: Database, tx: Tx, userId: string, event: NewEvent): Promise<number> {
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

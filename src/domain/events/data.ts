import superjson from "superjson";
import type { Database } from "@/db/client";
import type { LoggedEvent } from "./schema";

const eventFields = {
  seq: true,
  type: true,
  entity: true,
  entityId: true,
  version: true,
  payload: true,
  createdAt: true,
} as const;

export async function eventsAfter(db: Database, userId: string, afterSeq: number, limit = 500): Promise<LoggedEvent[]> {
  const rows = await db.prisma.event.findMany({
    where: { userId, seq: { gt: afterSeq } },
    orderBy: { seq: "asc" },
    take: limit,
    select: eventFields,
  });
  return rows.map((row) => ({ ...row, id: String(row.seq), payload: superjson.parse(row.payload) }));
}

/** The user's latest sequence number and the oldest one still retained. */
export async function eventLogBounds(db: Database, userId: string): Promise<{ latest: number; oldest: number | null }> {
  // In this order, not in parallel: every event up to `latest` has committed
  // before `oldest` is read, so a commit landing in between cannot leave
  // latest > 0 with oldest null (which would send a spurious resync).
  const counter = await db.prisma.userCounter.findUnique({ where: { userId }, select: { eventSeq: true } });
  const oldest = await db.prisma.event.findFirst({ where: { userId }, orderBy: { seq: "asc" }, select: { seq: true } });
  return { latest: counter?.eventSeq ?? 0, oldest: oldest?.seq ?? null };
}

/** Cheap change detector for pollers: the highest event row id in the table. */
export async function maxEventRowId(db: Database): Promise<number> {
  const row = await db.prisma.event.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return row?.id ?? 0;
}

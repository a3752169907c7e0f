import superjson from "superjson";
import type { Database } from "@/db/client";
import { DomainError } from "../errors";
import { parseInput } from "../validation";
import { ingestInput, type IngestInput, type IngestResult } from "./schema";

/** Emitted on `db.bus` after an ingest commits, with the tickers it touched (the alert evaluator listens). */
export const TICKS_COMMITTED = "ticks-committed";

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

/**
 * Stores a batch of ticks, all or nothing. Each ticker's ticks get the next
 * numbers of that ticker's sequence, in commit order: the transaction bumps the
 * ticker's counter row (tickers in sorted order, so two batches never wait on
 * each other in a cycle), which also serializes ingests of one ticker.
 * With a requestId, the batch row is the transaction's first write: a resent
 * batch collides on its primary key, stores nothing and gets the first answer.
 */
export async function ingestTicks(db: Database, accountId: string, rawInput: IngestInput): Promise<IngestResult> {
  const { ticks, requestId } = parseInput(ingestInput, rawInput, "invalid price batch");
  const byTicker = new Map<string, typeof ticks>();
  for (const tick of ticks) byTicker.set(tick.ticker, [...(byTicker.get(tick.ticker) ?? []), tick]);
  const tickers = [...byTicker.keys()].sort();
  await ensureTickers(db, tickers);

  let result: IngestResult;
  try {
    result = await db.transaction(async (tx) => {
      if (requestId) await tx.priceBatch.create({ data: { requestId, accountId, response: "" }, select: { requestId: true } });
      const assigned: IngestResult["tickers"] = [];
      for (const ticker of tickers) {
        const batch = byTicker.get(ticker)!;
        const last = batch[batch.length - 1]!;
        const { seq } = await tx.ticker.update({
          where: { ticker },
          data: { seq: { increment: batch.length }, lastPrice: last.price, lastAt: last.at },
          select: { seq: true },
        });
        const firstSeq = seq - batch.length + 1;
        await tx.priceTick.createMany({ data: batch.map((tick, i) => ({ ticker, seq: firstSeq + i, price: tick.price, at: tick.at })) });
        assigned.push({ ticker, firstSeq, lastSeq: seq });
      }
      const answer: IngestResult = { accepted: ticks.length, tickers: assigned, replayed: false };
      if (requestId) await tx.priceBatch.update({ where: { requestId }, data: { response: superjson.stringify(answer) }, select: { requestId: true } });
      return answer;
    });
  } catch (error) {
    if (!requestId || !isUniqueViolation(error)) throw error;
    return replayedBatch(db, accountId, requestId);
  }
  db.bus.emit(TICKS_COMMITTED, tickers);
  return result;
}

async function replayedBatch(db: Database, accountId: string, requestId: string): Promise<IngestResult> {
  const batch = await db.prisma.priceBatch.findUnique({ where: { requestId }, select: { accountId: true, response: true } });
  if (!batch || batch.accountId !== accountId || !batch.response) {
    throw new DomainError("BAD_REQUEST", "requestId was already used for another batch", { fieldErrors: { requestId: ["already used"] } });
  }
  return { ...superjson.parse<IngestResult>(batch.response), replayed: true };
}

/** Creates missing counter rows; a concurrent creator winning is fine. */
async function ensureTickers(db: Database, tickers: string[]): Promise<void> {
  const existing = await db.prisma.ticker.findMany({ where: { ticker: { in: tickers } }, select: { ticker: true } });
  const known = new Set(existing.map((row) => row.ticker));
  for (const ticker of tickers.filter((t) => !known.has(t))) {
    try {
      await db.prisma.ticker.create({ data: { ticker }, select: { ticker: true } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
}

/**
 * Retention: deletes ticks committed before `olderThan`, but never a ticker's
 * last tick or any tick the alert evaluator has not reached yet.
 */
export async function pruneTicks(db: Database, olderThan: Date): Promise<number> {
  const tickers = await db.prisma.ticker.findMany({ select: { ticker: true, seq: true, evaluatedSeq: true } });
  let pruned = 0;
  for (const { ticker, seq, evaluatedSeq } of tickers) {
    const { count } = await db.prisma.priceTick.deleteMany({
      where: { ticker, createdAt: { lt: olderThan }, seq: { lt: Math.min(seq, evaluatedSeq) } },
    });
    pruned += count;
  }
  await db.prisma.priceBatch.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return pruned;
}

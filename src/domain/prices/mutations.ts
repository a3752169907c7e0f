import superjson from "superjson";
import { isUniqueViolation, type Database } from "@/db/client";
import { DomainError } from "../errors";
import { parseInput } from "../validation";
import { ingestInput, type IngestInput, type IngestResult } from "./schema";

/** Emitted on `db.bus` after an ingest commits, with the tickers it touched (the alert evaluator listens). */
export const TICKS_COMMITTED = "ticks-committed";

/**
 * Stores a batch of ticks, all or nothing. Each ticker's ticks get the next
 * numbers of that ticker's sequence, in commit order: the transaction bumps the
 * ticker's counter row (creating it the first time; tickers in sorted order, so
 * two batches never wait on each other in a cycle), which also serializes
 * ingests of one ticker.
 * With a requestId, the batch row is the transaction's first write: a resent
 * batch collides on its primary key, stores nothing and gets the first answer.
 * Hand-written statements (src/db/sql.ts): a feed sends batches many times a second.
 */
export async function ingestTicks(db: Database, accountId: string, rawInput: IngestInput): Promise<IngestResult> {
  const { ticks, requestId } = parseInput(ingestInput, rawInput, "invalid price batch");
  const byTicker = new Map<string, typeof ticks>();
  for (const tick of ticks) byTicker.set(tick.ticker, [...(byTicker.get(tick.ticker) ?? []), tick]);
  const tickers = [...byTicker.keys()].sort();

  let result: IngestResult;
  try {
    result = await db.transaction(async (_tx, sql) => {
      const now = new Date();
      if (requestId) await sql.run(RECORD_BATCH, requestId, accountId, "", now);
      const assigned: IngestResult["tickers"] = [];
      for (const ticker of tickers) {
        const batch = byTicker.get(ticker)!;
        const last = batch[batch.length - 1]!;
        const [{ seq }] = (await sql.all<{ seq: number }>(BUMP_TICKER, ticker, batch.length, last.price, last.at, now)) as [{ seq: number }];
        const firstSeq = seq - batch.length + 1;
        for (const [i, tick] of batch.entries()) await sql.run(INSERT_TICK, ticker, firstSeq + i, tick.price, tick.at, now);
        assigned.push({ ticker, firstSeq, lastSeq: seq });
      }
      const answer: IngestResult = { accepted: ticks.length, tickers: assigned, replayed: false };
      if (requestId) await sql.run(`UPDATE "price_batch" SET "response" = ? WHERE "requestId" = ?`, superjson.stringify(answer), requestId);
      return answer;
    });
  } catch (error) {
    if (!requestId || !isUniqueViolation(error)) throw error;
    return replayedBatch(db, accountId, requestId);
  }
  db.bus.emit(TICKS_COMMITTED, tickers);
  return result;
}

const RECORD_BATCH = `INSERT INTO "price_batch" ("requestId", "accountId", "response", "createdAt") VALUES (?, ?, ?, ?)`;
// Creates the counter row the first time, bumps it after; RETURNING gives the batch's last number.
const BUMP_TICKER = `INSERT INTO "ticker" ("ticker", "seq", "evaluatedSeq", "lastPrice", "lastAt", "updatedAt") VALUES (?, ?, 0, ?, ?, ?)
  ON CONFLICT ("ticker") DO UPDATE SET "seq" = "ticker"."seq" + excluded."seq", "lastPrice" = excluded."lastPrice",
  "lastAt" = excluded."lastAt", "updatedAt" = excluded."updatedAt" RETURNING "seq"`;
const INSERT_TICK = `INSERT INTO "price_tick" ("ticker", "seq", "price", "at", "createdAt") VALUES (?, ?, ?, ?, ?)`;

async function replayedBatch(db: Database, accountId: string, requestId: string): Promise<IngestResult> {
  const [batch] = await db.sql.all<{ accountId: string; response: string }>(`SELECT "accountId", "response" FROM "price_batch" WHERE "requestId" = ?`, requestId);
  if (!batch || batch.accountId !== accountId || !batch.response) {
    throw new DomainError("BAD_REQUEST", "requestId was already used for another batch", { fieldErrors: { requestId: ["already used"] } });
  }
  return { ...superjson.parse<IngestResult>(batch.response), replayed: true };
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

/** Who the built-in simulated feed ingests as. */
export const SIMULATED_FEED_ACCOUNT = "system:simulated-feed";

/**
 * One step of the simulated feed: a tick for every ticker in some watchlist or
 * alert, a random walk from its last price (a start price derived from the
 * ticker's name the first time) in whole cents, about 0.1 % per step.
 */
export async function simulateTicks(db: Database, now = new Date(), random: () => number = Math.random): Promise<IngestResult | null> {
  const [watchlists, alertTickers] = await Promise.all([
    db.prisma.setting.findMany({ where: { key: "watchlist", value: { not: null } }, select: { value: true } }),
    db.prisma.alert.findMany({ select: { ticker: true }, distinct: ["ticker"] }),
  ]);
  const tickers = new Set(alertTickers.map((a) => a.ticker));
  for (const { value } of watchlists) for (const ticker of JSON.parse(value!) as string[]) tickers.add(ticker);
  if (tickers.size === 0) return null;
  const last = await db.prisma.ticker.findMany({ where: { ticker: { in: [...tickers] } }, select: { ticker: true, lastPrice: true } });
  const lastPrice = new Map(last.map((row) => [row.ticker, row.lastPrice]));
  const ticks = [...tickers].sort().map((ticker) => {
    const from = lastPrice.get(ticker) ?? startPrice(ticker);
    const step = from * 0.001 * gaussian(random);
    return { ticker, price: Math.max(0.01, Math.round((from + step) * 100) / 100), at: now };
  });
  return ingestTicks(db, SIMULATED_FEED_ACCOUNT, { ticks: ticks.slice(0, 1000) });
}

/** 20–520, stable per ticker, so a fresh database starts from plausible prices. */
function startPrice(ticker: string): number {
  let hash = 0;
  for (const char of ticker) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return 20 + (hash % 50_000) / 100;
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

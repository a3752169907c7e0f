import type { Database, Tx } from "@/db/client";
import { parseInput } from "../validation";
import { historyInput, latestInput, type HistoryInput, type LatestInput, type TickView } from "./schema";

const tickColumns = { ticker: true, seq: true, price: true, at: true } as const;

/** Each ticker's last tick in commit order (tickers never ingested are absent). */
export async function latestPrices(db: Database, rawInput: LatestInput): Promise<TickView[]> {
  const { tickers } = parseInput(latestInput, rawInput, "invalid tickers");
  const rows = await db.prisma.ticker.findMany({
    where: { ticker: { in: [...new Set(tickers)] }, seq: { gt: 0 } },
    select: { ticker: true, seq: true, lastPrice: true, lastAt: true },
    orderBy: { ticker: "asc" },
  });
  return rows.map((row) => ({ ticker: row.ticker, seq: row.seq, price: row.lastPrice!, at: row.lastAt! }));
}

/** A ticker's ticks in sequence order, oldest first: those since `since` (by tick time), at most `limit`, the newest ones. */
export async function priceHistory(db: Database, rawInput: HistoryInput): Promise<TickView[]> {
  const { ticker, since, limit } = parseInput(historyInput, rawInput, "invalid history request");
  const rows = await db.prisma.priceTick.findMany({
    where: { ticker, ...(since ? { at: { gte: since } } : {}) },
    select: tickColumns,
    orderBy: { seq: "desc" },
    take: limit,
  });
  return rows.reverse();
}

/** Ticks `from..to` (inclusive) of one ticker in sequence order, read in `tx` or outside. */
export async function ticksBetween(db: Database | Tx, ticker: string, from: number, to: number): Promise<TickView[]> {
  const client = "prisma" in db ? db.prisma : db;
  return client.priceTick.findMany({ where: { ticker, seq: { gte: from, lte: to } }, select: tickColumns, orderBy: { seq: "asc" } });
}

/** Tickers with ticks not yet evaluated against the alerts (evaluatedSeq behind seq). */
export async function tickersBehind(db: Database): Promise<{ ticker: string; seq: number; evaluatedSeq: number }[]> {
  const rows = await db.prisma.ticker.findMany({ select: { ticker: true, seq: true, evaluatedSeq: true } });
  return rows.filter((row) => row.evaluatedSeq < row.seq);
}

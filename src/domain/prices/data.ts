import type { Database, Sql } from "@/db/client";
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

/** Ticks `from..to` (inclusive) of one ticker in sequence order. Hand-written: the evaluator reads them for every batch. */
export async function ticksBetween(sql: Sql, ticker: string, from: number, to: number): Promise<TickView[]> {
  const rows = await sql.all<TickView & { at: Date | string }>(
    `SELECT "ticker", "seq", "price", "at" FROM "price_tick" WHERE "ticker" = ? AND "seq" >= ? AND "seq" <= ? ORDER BY "seq"`,
    ticker,
    from,
    to,
  );
  return rows.map((row) => ({ ...row, at: new Date(row.at) }));
}

/** The ticker's sequence and how far the alert evaluator has got (null: never ingested). */
export async function tickerCursor(sql: Sql, ticker: string): Promise<{ seq: number; evaluatedSeq: number } | null> {
  const [row] = await sql.all<{ seq: number; evaluatedSeq: number }>(`SELECT "seq", "evaluatedSeq" FROM "ticker" WHERE "ticker" = ?`, ticker);
  return row ?? null;
}

/** Tickers with ticks not yet evaluated against the alerts (evaluatedSeq behind seq). */
export async function tickersBehind(db: Database): Promise<{ ticker: string; seq: number; evaluatedSeq: number }[]> {
  const rows = await db.prisma.ticker.findMany({ select: { ticker: true, seq: true, evaluatedSeq: true } });
  return rows.filter((row) => row.evaluatedSeq < row.seq);
}

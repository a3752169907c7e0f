import { z } from "zod";
import { requestIdSchema } from "../receipts/schema";
import { tickerSchema } from "../settings/schema";

export { tickerSchema };

/** The most ticks one `prices.ingest` call may carry; a bigger batch is rejected whole. */
export const INGEST_BATCH_MAX = 1000;
export const LATEST_TICKERS_MAX = 100;
export const HISTORY_LIMIT_MAX = 5000;
/** Prices are positive and below this (no instrument trades at a trillion). */
export const PRICE_MAX = 1e12;

export const priceSchema = z
  .number({ error: "a number" })
  .refine(Number.isFinite, "must be finite")
  .refine((price) => price > 0, "must be positive")
  .refine((price) => price < PRICE_MAX, `must be below ${PRICE_MAX}`);

/** A tick's own time: what the feed says it happened at (may be out of order; `seq` is the order). */
export const tickTimeSchema = z.coerce
  .date({ error: "a date" })
  .refine((date) => !Number.isNaN(date.getTime()), "not a date")
  .refine((date) => date.getUTCFullYear() >= 2000 && date.getUTCFullYear() < 2100, "between 2000 and 2100");

export const tickInputSchema = z.strictObject({ ticker: tickerSchema, price: priceSchema, at: tickTimeSchema });

export const ingestInput = z.strictObject({
  ticks: z.array(tickInputSchema).min(1, "at least one tick").max(INGEST_BATCH_MAX, `at most ${INGEST_BATCH_MAX} ticks per batch`),
  requestId: requestIdSchema.optional(),
});
export type IngestInput = z.input<typeof ingestInput>;

export const latestInput = z.strictObject({
  tickers: z.array(tickerSchema).min(1, "at least one ticker").max(LATEST_TICKERS_MAX, `at most ${LATEST_TICKERS_MAX} tickers`),
});
export type LatestInput = z.input<typeof latestInput>;

export const historyInput = z.strictObject({
  ticker: tickerSchema,
  since: tickTimeSchema.optional(),
  limit: z.number().int().min(1).max(HISTORY_LIMIT_MAX).default(1000),
});
export type HistoryInput = z.input<typeof historyInput>;

/** One committed tick: `seq` is its place in the ticker's commit order. */
export const tickViewSchema = z.strictObject({ ticker: z.string(), seq: z.number().int(), price: z.number(), at: z.date() });
export type TickView = z.infer<typeof tickViewSchema>;

export const ingestResultSchema = z.strictObject({
  accepted: z.number().int(),
  /** Per ticker, the sequence numbers this batch got. */
  tickers: z.array(z.strictObject({ ticker: z.string(), firstSeq: z.number().int(), lastSeq: z.number().int() })),
  /** True when this requestId was ingested before: nothing was stored or fired again. */
  replayed: z.boolean(),
});
export type IngestResult = z.infer<typeof ingestResultSchema>;

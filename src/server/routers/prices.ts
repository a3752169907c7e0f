import { z } from "zod";
import { latestPrices, priceHistory } from "@/domain/prices/data";
import { followPrices } from "@/domain/prices/lib/price-tailer";
import { ingestTicks } from "@/domain/prices/mutations";
import { historyInput, ingestInput, ingestResultSchema, latestInput, tickViewSchema } from "@/domain/prices/schema";
import { watchedTickers } from "@/domain/alerts/data";
import { authedProcedure, feedProcedure, router } from "../trpc/init";

export const pricesRouter = router({
  /** Feed accounts only; a batch is stored whole or not at all; a resent requestId stores and fires nothing twice. */
  ingest: feedProcedure
    .input(ingestInput)
    .output(ingestResultSchema)
    .mutation(({ ctx, input }) => ingestTicks(ctx.services.db, ctx.userId, input)),
  latest: authedProcedure
    .input(latestInput)
    .output(z.array(tickViewSchema))
    .query(({ ctx, input }) => latestPrices(ctx.services.db, input)),
  history: authedProcedure
    .input(historyInput)
    .output(z.array(tickViewSchema))
    .query(({ ctx, input }) => priceHistory(ctx.services.db, input)),
  /** The latest price of every ticker the user watches (watchlist and alerts), then each newer one (SSE). */
  live: authedProcedure.subscription(async function* ({ ctx, signal }) {
    const { db, prices, shutdown } = ctx.services;
    const stop = AbortSignal.any([signal ?? new AbortController().signal, shutdown]);
    yield* followPrices(prices, () => watchedTickers(db, ctx.userId), (tickers) => latestPrices(db, { tickers }), stop);
  }),
});

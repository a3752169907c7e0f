"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import type { TickView } from "@/domain/prices/schema";
import { LATEST_TICKERS_MAX } from "@/domain/prices/schema";
import { SharedStream, type StreamState } from "../live/shared-stream";
import { trpc } from "../live/trpc";
import { appendTick, createPricesStore, mergeTicks, PRICE_EVENT_TYPE, toTick, type LivePrice, type PricesStore } from "./store";

interface PricesLive {
  store: PricesStore;
  stream: StreamState;
}

const PricesLiveContext = createContext<PricesLive | null>(null);

/**
 * Live prices for every tab of the browser through one `prices.live` SSE
 * connection: a second SharedStream (scope `prices:<userId>`), so with a dozen
 * tabs open one holds the connection and relays each tick over
 * BroadcastChannel (browsers allow about six connections per origin). It
 * wraps the pages that show prices (app/(app)/(market)/layout.tsx), so a
 * browser with no such page open holds no price connection. The
 * subscription starts with the latest tick of every ticker the user watches
 * (watchlist and alerts), so a reopened one has no position to resume from; a
 * tab that joins later reads `prices.latest` for what it shows. Every tick is
 * merged into a store keyed by ticker that only moves forward in `seq`.
 */
export function PricesLive({ children }: { children: ReactNode }) {
  const [store] = useState(createPricesStore);
  const utils = trpc.useUtils();
  const me = trpc.account.me.useQuery(undefined, { retry: false, staleTime: 60_000 });
  const userId = me.data?.id;
  const [stream, setStream] = useState<StreamState>({ status: "connecting", role: "follower" });

  useEffect(() => {
    if (!userId) return;
    const shared = new SharedStream({
      scope: `prices:${userId}`,
      connect(_lastEventId, handlers) {
        const subscription = utils.client.prices.live.subscribe(undefined, {
          // The id only labels the relayed message; nothing resumes from it.
          onData: (tick) => handlers.event(String(tick.seq), { id: `${tick.ticker}:${tick.seq}`, type: PRICE_EVENT_TYPE, ...tick }),
          onConnectionStateChange: (state) => {
            if (state.state === "pending") handlers.connection("open");
            else if (state.state === "connecting" && state.error) handlers.connection("retrying");
          },
          onError: (error) => handlers.failed(error),
          onComplete: () => handlers.failed(new Error("price stream ended")),
        });
        return () => subscription.unsubscribe();
      },
      onEvent: (event) => void mergeTicks(store, [event]),
      // Ticks may have been missed while no connection was open: read the latest again.
      onResync: () => void utils.prices.latest.invalidate(),
      onState: setStream,
    });
    shared.start();
    setStream(shared.state);
    return () => shared.stop();
  }, [userId, store, utils]);

  const value = useMemo(() => ({ store, stream }), [store, stream]);
  return <PricesLiveContext.Provider value={value}>{children}</PricesLiveContext.Provider>;
}

function usePricesLive(): PricesLive {
  const value = useContext(PricesLiveContext);
  if (!value) throw new Error("used outside PricesLive");
  return value;
}

export const usePricesStore = (): PricesStore => usePricesLive().store;

/** Whether this tab receives live prices, and whether it holds the connection for all tabs. */
export const usePricesStreamState = (): StreamState => usePricesLive().stream;

/** The latest known price of `ticker` (undefined until one arrives). */
export function usePrice(ticker: string | undefined): LivePrice | undefined {
  const store = usePricesStore();
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  return useSyncExternalStore(
    subscribe,
    () => (ticker ? store.get(ticker) : undefined),
    () => undefined,
  );
}

/** Every ticker's latest price (a new map after each accepted tick). */
export function usePrices(): ReadonlyMap<string, LivePrice> {
  const store = usePricesStore();
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  return useSyncExternalStore(subscribe, () => store.snapshot(), () => store.snapshot());
}

/**
 * Reads `prices.latest` for the tickers a view shows, into the store. The
 * stream keeps them current afterwards; this covers the tab that joined after
 * the stream sent them, and tickers that nobody watches yet.
 */
export function useLatestPrices(tickers: readonly string[]): void {
  const store = usePricesStore();
  const key = [...new Set(tickers)].sort();
  const chunks: string[][] = [];
  for (let i = 0; i < key.length; i += LATEST_TICKERS_MAX) chunks.push(key.slice(i, i + LATEST_TICKERS_MAX));
  const results = trpc.useQueries((t) => chunks.map((chunk) => t.prices.latest({ tickers: chunk })));
  const data = results.map((result) => result.data);
  // Changes when any chunk's answer does (the array itself is new on every render).
  const answeredAt = results.map((result) => result.dataUpdatedAt).join(",");
  useEffect(() => {
    for (const ticks of data) if (ticks) mergeTicks(store, ticks);
  }, [store, answeredAt]);
}

/**
 * A ticker's recent ticks in seq order for a chart: the last `limit` from
 * `prices.history`, then every newer tick the live store shows.
 */
export function usePriceSeries(ticker: string, limit: number): { points: readonly TickView[]; loading: boolean; error: string | null } {
  const store = usePricesStore();
  const history = trpc.prices.history.useQuery({ ticker, limit }, { staleTime: 60_000, refetchOnWindowFocus: false });
  const [points, setPoints] = useState<readonly TickView[]>([]);

  useEffect(() => {
    if (!history.data) return;
    const ticks = history.data.map(toTick).filter((tick): tick is TickView => tick !== null);
    setPoints((current) => {
      // Live ticks that arrived before the history answered stay after it.
      let merged: readonly TickView[] = ticks;
      for (const tick of current) merged = appendTick(merged, tick);
      return merged.slice(-limit);
    });
    mergeTicks(store, ticks.slice(-1));
  }, [history.data, store, limit]);

  useEffect(() => {
    const take = () => {
      const latest = store.get(ticker);
      if (!latest) return;
      setPoints((current) => {
        const next = appendTick(current, latest);
        return next === current ? current : next.length > limit ? next.slice(-limit) : next;
      });
    };
    take();
    return store.subscribe(take);
  }, [store, ticker, limit]);

  return { points, loading: history.isPending, error: history.error && !history.data ? history.error.message : null };
}

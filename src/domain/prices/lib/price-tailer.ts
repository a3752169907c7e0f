import type { Database } from "@/db/client";
import { TICKS_COMMITTED } from "../mutations";
import type { TickView } from "../schema";

/** How often other processes' ticks are looked for (this process's own commits wake at once). */
const POLL_MS = 250;

/**
 * Feeds live price subscriptions of this process: one query per poll for the
 * union of the tickers anyone here watches, woken at once by this process's own
 * ingests. It reports each ticker's latest tick (a display may skip ticks; the
 * alert evaluator never does, it reads the tick log).
 */
export class PriceTailer {
  readonly #db: Database;
  readonly #watchers = new Set<{ tickers: Set<string>; onTick: (tick: TickView) => void }>();
  readonly #lastSeq = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #polling: Promise<void> | null = null;
  readonly #onLocalCommit = () => void this.#poll();

  constructor(db: Database) {
    this.#db = db;
  }

  /** Calls `onTick` with each newer tick of `tickers` until the returned function is called. */
  watch(tickers: Iterable<string>, onTick: (tick: TickView) => void): { update(tickers: Iterable<string>): void; stop(): void } {
    const watcher = { tickers: new Set(tickers), onTick };
    this.#watchers.add(watcher);
    if (this.#watchers.size === 1) this.#start();
    return {
      update: (next) => {
        watcher.tickers = new Set(next);
      },
      stop: () => {
        this.#watchers.delete(watcher);
        if (this.#watchers.size === 0) this.#stop();
      },
    };
  }

  #start() {
    this.#db.bus.on(TICKS_COMMITTED, this.#onLocalCommit);
    this.#timer = setInterval(() => void this.#poll(), POLL_MS);
    this.#timer.unref();
  }

  #stop() {
    this.#db.bus.off(TICKS_COMMITTED, this.#onLocalCommit);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #poll(): Promise<void> {
    if (this.#polling) return this.#polling;
    this.#polling = (async () => {
      const watched = new Set<string>();
      for (const watcher of this.#watchers) for (const ticker of watcher.tickers) watched.add(ticker);
      if (watched.size === 0) return;
      try {
        const rows = await this.#db.prisma.ticker.findMany({
          where: { ticker: { in: [...watched] }, seq: { gt: 0 } },
          select: { ticker: true, seq: true, lastPrice: true, lastAt: true },
        });
        for (const row of rows) {
          if ((this.#lastSeq.get(row.ticker) ?? 0) >= row.seq) continue;
          this.#lastSeq.set(row.ticker, row.seq);
          const tick: TickView = { ticker: row.ticker, seq: row.seq, price: row.lastPrice!, at: row.lastAt! };
          for (const watcher of this.#watchers) if (watcher.tickers.has(row.ticker)) watcher.onTick(tick);
        }
      } catch {
        // The next poll tries again.
      }
    })().finally(() => {
      this.#polling = null;
    });
    return this.#polling;
  }
}

/** How often a live subscription re-reads which tickers its user watches. */
const TICKERS_REFRESH_MS = 5_000;

/**
 * One subscriber's live prices: the latest tick of each watched ticker first,
 * then every newer one, until `signal` aborts. `tickersOf` is re-read every few
 * seconds, so a ticker added to the watchlist or an alert starts flowing.
 */
export async function* followPrices(
  tailer: PriceTailer,
  tickersOf: () => Promise<string[]>,
  latestOf: (tickers: string[]) => Promise<TickView[]>,
  signal: AbortSignal,
): AsyncGenerator<TickView> {
  const queue: TickView[] = [];
  let wake: (() => void) | null = null;
  const push = (tick: TickView) => {
    queue.push(tick);
    wake?.();
  };
  let tickers = await tickersOf();
  const watch = tailer.watch(tickers, push);
  const refresh = setInterval(() => {
    void tickersOf()
      .then(async (next) => {
        const added = next.filter((t) => !tickers.includes(t));
        tickers = next;
        watch.update(next);
        if (added.length > 0) for (const tick of await latestOf(added)) push(tick);
      })
      .catch(() => undefined);
  }, TICKERS_REFRESH_MS);
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort);
  try {
    // Registered before this read, so nothing committed after it can be missed.
    if (tickers.length > 0) for (const tick of await latestOf(tickers)) queue.push(tick);
    while (!signal.aborted) {
      while (queue.length > 0) yield queue.shift()!;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (queue.length > 0 || signal.aborted) resolve();
      });
      wake = null;
    }
  } finally {
    clearInterval(refresh);
    signal.removeEventListener("abort", onAbort);
    watch.stop();
  }
}

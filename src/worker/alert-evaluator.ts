import { evaluateTicker, recheckLatest } from "@/domain/alert-firing/mutations";
import { ALERT_ARMED } from "@/domain/alerts/mutations";
import { TICKS_COMMITTED } from "@/domain/prices/mutations";
import type { Worker } from "./index";

/**
 * Evaluates alerts right after this process commits ticks (or arms an alert), so a
 * firing reaches the stream within milliseconds of the ingest. One evaluation per
 * ticker at a time in this process; a request arriving meanwhile runs once more
 * after it. Correctness never depends on this worker: the durable cursor and the
 * sweep catch whatever a dead process left (src/domain/alert-firing).
 */
export const alertEvaluatorWorker: Worker = {
  name: "alert-evaluator",
  start({ db }) {
    const running = new Map<string, Promise<void>>();
    const stopping = new AbortController();
    const again = new Set<string>();
    const run = (ticker: string, work: () => Promise<unknown>) => {
      if (running.has(ticker)) {
        again.add(ticker);
        return;
      }
      const done = work()
        .then(() => undefined)
        .catch((error: Error) => console.error(`[alert-evaluator] ${ticker}: ${error.message}; the sweep will retry`))
        .finally(() => {
          running.delete(ticker);
          if (again.delete(ticker)) run(ticker, () => evaluateAndRecheck(ticker));
        });
      running.set(ticker, done);
    };
    const evaluateAndRecheck = async (ticker: string) => {
      await evaluateTicker(db, ticker, undefined, stopping.signal);
      if (!stopping.signal.aborted) await recheckLatest(db, ticker);
    };
    const onTicks = (tickers: string[]) => {
      for (const ticker of tickers) run(ticker, () => evaluateTicker(db, ticker, undefined, stopping.signal));
    };
    const onArmed = (ticker: string) => run(ticker, () => evaluateAndRecheck(ticker));
    db.bus.on(TICKS_COMMITTED, onTicks);
    db.bus.on(ALERT_ARMED, onArmed);
    return async () => {
      db.bus.off(TICKS_COMMITTED, onTicks);
      db.bus.off(ALERT_ARMED, onArmed);
      // Stop between ticks: what is left stays behind the durable cursor for the sweep.
      stopping.abort();
      again.clear();
      await Promise.all(running.values());
    };
  },
};

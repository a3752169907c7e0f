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
export const alertEvaluatorWorker: Worker = alertEvaluatorWith(evaluateTicker);

/** The worker around `evaluate` (the benchmark runs it around a naive evaluator, too). */
export function alertEvaluatorWith(evaluate: typeof evaluateTicker): Worker {
  return {
    name: "alert-evaluator",
    start({ db }) {
      const running = new Map<string, Promise<void>>();
      const stopping = new AbortController();
      // Asked again while running: ticker → whether a re-check (after an arming) was among the asks.
      const again = new Map<string, boolean>();
      const run = (ticker: string, recheck: boolean) => {
        if (running.has(ticker)) {
          again.set(ticker, again.get(ticker) === true || recheck);
          return;
        }
        const done = evaluateOnce(ticker, recheck)
          .catch((error: Error) => console.error(`[alert-evaluator] ${ticker}: ${error.message}; the sweep will retry`))
          .finally(() => {
            running.delete(ticker);
            const pending = again.get(ticker);
            again.delete(ticker);
            if (pending !== undefined) run(ticker, pending);
          });
        running.set(ticker, done);
      };
      const evaluateOnce = async (ticker: string, recheck: boolean) => {
        await evaluate(db, ticker, undefined, stopping.signal);
        if (recheck && !stopping.signal.aborted) await recheckLatest(db, ticker);
      };
      const onTicks = (tickers: string[]) => {
        for (const ticker of tickers) run(ticker, false);
      };
      const onArmed = (ticker: string) => run(ticker, true);
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
}

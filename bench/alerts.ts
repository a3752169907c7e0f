/**
 * Alerts under load (issue 12): 10,000 armed alerts over 500 tickers and 1,000
 * users; tick batches ingested at rising open-loop rates through the app's own
 * path — `ingestTicks`, then the alert-evaluator worker woken by the commit, as
 * in a server process. The fire latency is batch acknowledged → every tick of the
 * batch evaluated against every alert, its firings and their alert.fired events
 * committed to the owners' logs (what the stream then delivers; the transport is
 * not part of it). p50/p99 per rate, and the highest rate whose p99 stays under
 * 100 ms, side by side with a naive evaluator in the same worker on the same data
 * (the original's way: every armed alert of the ticker, tested one by one in
 * code), which fires through the same claim, so both do the same writes.
 *
 * The mix a trader has: a quarter each above/below/crossesUp/crossesDown,
 * thresholds within ±5 % of the price, two thirds `once`, a third `rearm` with a
 * cooldown of 5–60 s; prices walk ~0.2 % a tick; tick time is wall time.
 *
 *   npx tsx bench/alerts.ts        BENCH_ALERTS=10000 BENCH_SECONDS=4 BENCH_RATES=100,200 BENCH_ONLY=sqlite|postgresql
 */
import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { claimFiring, evaluateTicker } from "@/domain/alert-firing/mutations";
import { candidateFromSqlRow, FIRING_STATE_SQL } from "@/domain/alerts/data";
import { mayFire, type FiringState } from "@/domain/alerts/lib/firing-rules";
import { tickerCursor, ticksBetween } from "@/domain/prices/data";
import { ingestTicks } from "@/domain/prices/mutations";
import { alertEvaluatorWith } from "@/worker/alert-evaluator";
import { createTestApp } from "../tests/harness/app";
import type { DatabaseKind } from "../tests/harness/databases";

const ALERTS = Number(process.env.BENCH_ALERTS ?? 10_000);
const TICKERS = 500;
const USERS = 1000;
const TICKS_PER_BATCH = 10;
const RATES = (process.env.BENCH_RATES ?? "100,250,500,1000,2000,3000,4000,6000").split(",").map(Number); // ticks per second
const SECONDS_PER_RATE = Number(process.env.BENCH_SECONDS ?? 4);
const TARGET_P99_MS = 100;
const T0 = Date.UTC(2033, 0, 1);

type Evaluator = typeof evaluateTicker;

const ARMED_OF_TICKER = `SELECT ${FIRING_STATE_SQL} FROM "alert" WHERE "ticker" = ? AND "state" = 'armed'`;

/** The original's way: for each tick, every armed alert of the ticker, tested one by one in code; firings through the same claim. */
const naiveEvaluator: Evaluator = async (db, ticker) => {
  const report = { evaluated: 0, fired: 0 };
  const cursor = await tickerCursor(db.sql, ticker);
  if (!cursor || cursor.evaluatedSeq >= cursor.seq) return report;
  const ticks = await ticksBetween(db.sql, ticker, Math.max(cursor.evaluatedSeq, 1), cursor.seq);
  let previous = ticks.find((t) => t.seq === cursor.evaluatedSeq) ?? null;
  for (const tick of ticks.filter((t) => t.seq > cursor.evaluatedSeq)) {
    const armed = (await db.sql.all<Record<string, unknown>>(ARMED_OF_TICKER, ticker)).map(candidateFromSqlRow);
    for (const alert of armed) {
      if (mayFire(alert as unknown as FiringState, tick, previous) && (await claimFiring(db, alert, tick, previous))) report.fired++;
    }
    report.evaluated++;
    previous = tick;
  }
  await db.sql.run(`UPDATE "ticker" SET "evaluatedSeq" = ? WHERE "ticker" = ? AND "evaluatedSeq" = ?`, cursor.seq, ticker, cursor.evaluatedSeq);
  return report;
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(Math.max(Math.random(), Number.EPSILON))) * Math.cos(2 * Math.PI * Math.random());
}

async function seed(db: Database, users: string[]): Promise<string[]> {
  const tickers = Array.from({ length: TICKERS }, (_, i) => `B${String(i).padStart(3, "0")}`);
  const rows = Array.from({ length: ALERTS }, (_, i) => {
    const rearm = i % 3 === 0;
    return {
      id: randomUUID(),
      userId: users[i % USERS]!,
      ticker: tickers[i % TICKERS]!,
      condition: (["above", "below", "crossesUp", "crossesDown"] as const)[i % 4]!,
      threshold: Math.round(100 * (0.95 + ((i * 7919) % 1000) / 10_000) * 100) / 100,
      mode: rearm ? "rearm" : "once",
      cooldownSeconds: rearm ? 5 + (i % 56) : 0,
      state: "armed",
    };
  });
  for (let i = 0; i < rows.length; i += 500) await db.prisma.alert.createMany({ data: rows.slice(i, i + 500) });
  // Every ticker starts at 100; the level alerts that 100 already meets fire here, before the measured part.
  await ingestTicks(db, "bench", { ticks: tickers.map((ticker) => ({ ticker, price: 100, at: new Date(T0) })) });
  for (const ticker of tickers) await evaluateTicker(db, ticker);
  return tickers;
}

interface RateFigures {
  rate: number;
  p50: number;
  p99: number;
  firings: number;
  behind: number;
}

/** Batch acknowledged → its tickers' cursors past its ticks, measured by wrapping the worker's evaluator. */
class FireLatency {
  readonly latencies: number[] = [];
  readonly #through = new Map<string, number>();
  readonly #waiting = new Map<string, Array<{ seq: number; batch: { left: number; ack: number } }>>();
  #open = 0;
  #drained: (() => void) | null = null;

  wrap(evaluate: Evaluator): Evaluator {
    return async (db, ticker, maxTicks, signal) => {
      const report = await evaluate(db, ticker, maxTicks, signal);
      const cursor = await tickerCursor(db.sql, ticker);
      if (cursor) this.#evaluated(ticker, cursor.evaluatedSeq);
      return report;
    };
  }

  acknowledged(tickers: Array<{ ticker: string; lastSeq: number }>, ack: number): void {
    const batch = { left: 0, ack };
    for (const { ticker, lastSeq } of tickers) {
      if ((this.#through.get(ticker) ?? 0) >= lastSeq) continue;
      batch.left++;
      this.#waiting.set(ticker, [...(this.#waiting.get(ticker) ?? []), { seq: lastSeq, batch }]);
    }
    if (batch.left === 0) this.latencies.push(performance.now() - ack);
    else this.#open++;
  }

  get open(): number {
    return this.#open;
  }

  drained(): Promise<void> {
    return this.#open === 0 ? Promise.resolve() : new Promise((resolve) => (this.#drained = resolve));
  }

  #evaluated(ticker: string, seq: number): void {
    this.#through.set(ticker, Math.max(seq, this.#through.get(ticker) ?? 0));
    const waiting = this.#waiting.get(ticker) ?? [];
    const now = performance.now();
    for (const { batch } of waiting.filter((w) => w.seq <= seq)) {
      if (--batch.left > 0) continue;
      this.latencies.push(now - batch.ack);
      this.#open--;
    }
    this.#waiting.set(ticker, waiting.filter((w) => w.seq > seq));
    if (this.#open === 0) this.#drained?.();
  }
}

async function runRates(kind: DatabaseKind, evaluator: Evaluator, label: string): Promise<RateFigures[]> {
  const app = await createTestApp(kind);
  const db = app.services.db;
  const figures: RateFigures[] = [];
  let stopWorker: (() => void | Promise<void>) | null = null;
  try {
    const users = await Promise.all(Array.from({ length: USERS }, () => app.createUser()));
    const tickers = await seed(db, users);
    const prices = new Map(tickers.map((t) => [t, 100]));
    const clockStart = performance.now();
    for (const rate of RATES) {
      const latency = new FireLatency();
      stopWorker = alertEvaluatorWith(latency.wrap(evaluator)).start({ db, apiKeys: app.services.apiKeys });
      const firedBefore = await db.prisma.alertFiring.count();
      const started = performance.now();
      const batches = (rate / TICKS_PER_BATCH) * SECONDS_PER_RATE;
      const sent: Promise<void>[] = [];
      for (let b = 0; b < batches; b++) {
        // Open loop: batch b is sent at its time whatever happened to the ones before.
        const due = started + (b * 1000 * TICKS_PER_BATCH) / rate;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
        const at = new Date(T0 + 1000 + Math.round(performance.now() - clockStart));
        const ticks = Array.from({ length: TICKS_PER_BATCH }, () => {
          const ticker = tickers[Math.floor(Math.random() * TICKERS)]!;
          const from = prices.get(ticker)!;
          const price = Math.max(1, Math.round(from * (1 + 0.002 * gaussian()) * 100) / 100);
          prices.set(ticker, price);
          return { ticker, price, at };
        });
        sent.push(ingestTicks(db, "bench", { ticks }).then((result) => latency.acknowledged(result.tickers, performance.now())));
      }
      await Promise.all(sent);
      const behind = latency.open;
      await latency.drained();
      await stopWorker();
      stopWorker = null;
      const firings = (await db.prisma.alertFiring.count()) - firedBefore;
      const sorted = latency.latencies.sort((a, b) => a - b);
      const row = { rate, p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)), firings, behind };
      figures.push(row);
      console.log(
        `  ${label.padEnd(7)} ${kind.padEnd(10)} ${String(rate).padStart(5)} ticks/s: fire latency p50 ${row.p50} ms, p99 ${row.p99} ms; ` +
          `${firings} firings in ${batches * TICKS_PER_BATCH} ticks; ${behind} batches not yet evaluated when the last was acknowledged`,
      );
      if (row.p99 > 2_000) break; // far past the target: higher rates say nothing more
    }
    return figures;
  } finally {
    await stopWorker?.();
    await app.close();
  }
}

export async function alertsBench(kind: DatabaseKind): Promise<string[]> {
  const ours = await runRates(kind, evaluateTicker, "indexed");
  const naive = await runRates(kind, naiveEvaluator, "naive");
  const best = (figures: RateFigures[]) => Math.max(0, ...figures.filter((f) => f.p99 < TARGET_P99_MS).map((f) => f.rate));
  const at = (figures: RateFigures[], rate: number) => figures.find((f) => f.rate === rate);
  const shared = RATES.filter((rate) => at(ours, rate) && at(naive, rate));
  return [
    `alerts (${kind}): ${ALERTS} armed alerts, ${TICKERS} tickers, ${USERS} users — highest rate with fire latency p99 < ${TARGET_P99_MS} ms: indexed ${best(ours)} ticks/s, naive ${best(naive)} ticks/s`,
    ...shared.map((rate) => `  ${String(rate).padStart(5)} ticks/s: p99 indexed ${at(ours, rate)!.p99} ms, naive ${at(naive, rate)!.p99} ms`),
  ];
}

if (process.argv[1]?.endsWith("bench/alerts.ts")) {
  process.env.TEST_DATABASE_URL_PG ||= "postgresql://postgres@127.0.0.1:5432/test";
  const kinds = (["sqlite", "postgresql"] as const).filter((k) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY === k);
  const lines: string[] = [];
  for (const kind of kinds) lines.push(...(await alertsBench(kind)));
  for (const line of lines) console.log(line);
  process.exit(0);
}

/**
 * Alerts under load (issue 12): 10,000 armed alerts over 500 tickers and 1,000
 * users; tick batches ingested at rising open-loop rates; the fire latency —
 * batch acknowledged → its alert.fired events committed to the owners' logs
 * (what the stream then delivers) — p50/p99 per rate, and the highest rate whose
 * p99 stays under 100 ms. Side by side with a naive evaluator on the same data
 * (the original's way: load every armed alert of the ticker and test each in
 * code), which fires through the same claim so both do the same writes.
 * In-process (no HTTP): it compares evaluators, not transports.
 *
 *   npx tsx bench/alerts.ts        BENCH_ALERTS=10000 BENCH_ONLY=sqlite|postgresql
 */
import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { evaluateTicker, fireAlertsAt } from "@/domain/alert-firing/mutations";
import { mayFire, type FiringState } from "@/domain/alerts/lib/firing-rules";
import { ticksBetween } from "@/domain/prices/data";
import { ingestTicks } from "@/domain/prices/mutations";
import { createTestApp } from "../tests/harness/app";
import type { DatabaseKind } from "../tests/harness/databases";

const ALERTS = Number(process.env.BENCH_ALERTS ?? 10_000);
const TICKERS = 500;
const USERS = 1000;
const RATES = [20, 50, 100, 200, 400]; // batches per second, 10 ticks each
const SECONDS_PER_RATE = Number(process.env.BENCH_SECONDS ?? 4);
const T0 = Date.UTC(2033, 0, 1);

type Evaluator = (db: Database, ticker: string) => Promise<unknown>;

/** The original's way: every armed alert of the ticker, tested one by one in code; firings through the same claim. */
const naiveEvaluator: Evaluator = async (db, ticker) => {
  const cursor = await db.prisma.ticker.findUnique({ where: { ticker }, select: { seq: true, evaluatedSeq: true } });
  if (!cursor || cursor.evaluatedSeq >= cursor.seq) return;
  const ticks = await ticksBetween(db, ticker, Math.max(cursor.evaluatedSeq, 1), cursor.seq);
  let previous = ticks.find((t) => t.seq === cursor.evaluatedSeq) ?? null;
  for (const tick of ticks.filter((t) => t.seq > cursor.evaluatedSeq)) {
    const armed = await db.prisma.alert.findMany({ where: { ticker, state: "armed" } });
    if (armed.some((alert) => mayFire(alert as unknown as FiringState, tick, previous))) await fireAlertsAt(db, ticker, tick, previous);
    previous = tick;
  }
  await db.prisma.ticker.updateMany({ where: { ticker, evaluatedSeq: cursor.evaluatedSeq }, data: { evaluatedSeq: cursor.seq } });
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function seed(db: Database, users: string[]): Promise<string[]> {
  const tickers = Array.from({ length: TICKERS }, (_, i) => `B${String(i).padStart(3, "0")}`);
  const rows = Array.from({ length: ALERTS }, (_, i) => ({
    id: randomUUID(),
    userId: users[i % USERS]!,
    ticker: tickers[i % TICKERS]!,
    condition: (["above", "below", "crossesUp", "crossesDown"] as const)[i % 4]!,
    threshold: 80 + ((i * 7919) % 4000) / 100,
    mode: "rearm",
    cooldownSeconds: 0,
    state: "armed",
  }));
  for (let i = 0; i < rows.length; i += 500) await db.prisma.alert.createMany({ data: rows.slice(i, i + 500) });
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

async function runRates(kind: DatabaseKind, evaluator: Evaluator, label: string): Promise<RateFigures[]> {
  const app = await createTestApp(kind);
  const db = app.services.db;
  try {
    const users = await Promise.all(Array.from({ length: USERS }, () => app.createUser()));
    const tickers = await seed(db, users);
    const prices = new Map(tickers.map((t) => [t, 100]));
    const figures: RateFigures[] = [];
    let clock = 1;
    for (const rate of RATES) {
      const latencies: number[] = [];
      const firedBefore = await db.prisma.alertFiring.count();
      let inflight = 0;
      const started = performance.now();
      const batches = rate * SECONDS_PER_RATE;
      const work: Promise<void>[] = [];
      for (let b = 0; b < batches; b++) {
        // Open loop: batch b is sent at its time whatever happened to the ones before.
        const due = started + (b * 1000) / rate;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
        const ticks = Array.from({ length: 10 }, () => {
          const ticker = tickers[Math.floor(Math.random() * TICKERS)]!;
          const price = Math.min(125, Math.max(75, Math.round((prices.get(ticker)! + (Math.random() - 0.5) * 4) * 100) / 100));
          prices.set(ticker, price);
          return { ticker, price, at: new Date(T0 + clock++ * 1000) };
        });
        inflight++;
        work.push(
          (async () => {
            const result = await ingestTicks(db, "bench", { ticks });
            const acknowledged = performance.now();
            for (const { ticker } of result.tickers) await evaluator(db, ticker);
            latencies.push(performance.now() - acknowledged);
            inflight--;
          })(),
        );
      }
      const behind = inflight;
      await Promise.all(work);
      const firings = (await db.prisma.alertFiring.count()) - firedBefore;
      latencies.sort((a, b) => a - b);
      figures.push({ rate, p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), firings, behind });
      console.log(`  ${label.padEnd(9)} ${kind.padEnd(10)} ${String(rate * 10).padStart(5)} ticks/s: latency p50 ${figures.at(-1)!.p50} ms, p99 ${figures.at(-1)!.p99} ms, ${firings} firings, ${behind} batches still in flight at the end`);
      if (percentile(latencies, 99) > 2_000) break; // far past the target: higher rates say nothing more
    }
    return figures;
  } finally {
    await app.close();
  }
}

export async function alertsBench(kind: DatabaseKind): Promise<string[]> {
  const ours = await runRates(kind, (db, ticker) => evaluateTicker(db, ticker), "indexed");
  const naive = await runRates(kind, naiveEvaluator, "naive");
  const best = (figures: RateFigures[]) => Math.max(0, ...figures.filter((f) => f.p99 < 100).map((f) => f.rate * 10));
  return [`alerts (${kind}): ${ALERTS} armed alerts, ${TICKERS} tickers, ${USERS} users — highest rate with fire latency p99 < 100 ms: indexed ${best(ours)} ticks/s, naive ${best(naive)} ticks/s`];
}

if (process.argv[1]?.endsWith("bench/alerts.ts")) {
  process.env.TEST_DATABASE_URL_PG ||= "postgresql://postgres@127.0.0.1:5432/test";
  const kinds = (["sqlite", "postgresql"] as const).filter((k) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY === k);
  const lines: string[] = [];
  for (const kind of kinds) lines.push(...(await alertsBench(kind)));
  for (const line of lines) console.log(line);
  process.exit(0);
}

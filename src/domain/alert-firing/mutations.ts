import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { alertsMetBy, firingColumns, firingStateColumns, toAlertView, type CandidateAlert } from "../alerts/data";
import { afterFiring, mayFire, type FiringState, type Tick } from "../alerts/lib/firing-rules";
import { expireAlerts } from "../alerts/mutations";
import { ticksBetween, tickersBehind } from "../prices/data";
import { writeForUser } from "../writes";

/**
 * Evaluation of ticks against alerts, exactly once per arming and never missed.
 *
 * - Each ticker's ticks are evaluated in sequence order from a durable cursor
 *   (ticker.evaluatedSeq). The cursor only moves after every firing of the ticks
 *   before it has committed, so a process that dies mid-way leaves the cursor
 *   behind and the next evaluator (the ingesting process, or the sweep in any
 *   process) evaluates those ticks again.
 * - Evaluating a tick again, or by two processes at once, is harmless: each firing
 *   is claimed under the owner's write lock by a conditional update (still armed,
 *   same arming and version, and this tick later than the one that fired it last)
 *   and recorded in the same transaction as its firing row — unique per (alert,
 *   arming) — and its `alert.fired` event. A claim that changes zero rows means
 *   someone else fired it.
 * - One transaction per firing, each taking one user's lock: a tick that fires
 *   alerts of many users never holds two user locks, so nothing can deadlock.
 */

export interface EvaluationReport {
  evaluated: number;
  fired: number;
}

/**
 * Evaluates the ticker's ticks after its cursor (at most `maxTicks` of them).
 * `signal` (shutdown) stops it between ticks; the cursor then covers only the
 * ticks fully evaluated, so the rest is picked up by the next evaluation.
 */
export async function evaluateTicker(db: Database, ticker: string, maxTicks = 2000, signal?: AbortSignal): Promise<EvaluationReport> {
  const report: EvaluationReport = { evaluated: 0, fired: 0 };
  while (report.evaluated < maxTicks && !signal?.aborted) {
    const cursor = await db.prisma.ticker.findUnique({ where: { ticker }, select: { seq: true, evaluatedSeq: true } });
    if (!cursor || cursor.evaluatedSeq >= cursor.seq) break;
    const from = cursor.evaluatedSeq;
    const ticks = await ticksBetween(db, ticker, Math.max(from, 1), Math.min(cursor.seq, from + 200));
    let previous = from >= 1 ? (ticks.find((t) => t.seq === from) ?? null) : null;
    let done = from;
    for (const tick of ticks) {
      if (tick.seq <= from) continue;
      if (signal?.aborted) break;
      report.fired += await fireAlertsAt(db, ticker, tick, previous);
      report.evaluated++;
      previous = tick;
      done = tick.seq;
    }
    // Conditional: if another evaluator moved it meanwhile, its value stands (re-evaluation is harmless).
    if (done > from) await db.prisma.ticker.updateMany({ where: { ticker, evaluatedSeq: from }, data: { evaluatedSeq: done } });
  }
  return report;
}

/** Fires every alert that `tick` (after `previous`) fires; `levelsOnly` limits it to above/below (the sweep's re-check). */
export async function fireAlertsAt(db: Database, ticker: string, tick: Tick, previous: Tick | null, levelsOnly = false): Promise<number> {
  const candidates = await alertsMetBy(db, ticker, tick, levelsOnly ? null : previous);
  let fired = 0;
  for (const candidate of candidates) if (await claimFiring(db, candidate, tick, previous)) fired++;
  return fired;
}

async function claimFiring(db: Database, candidate: CandidateAlert, tick: Tick, previous: Tick | null): Promise<boolean> {
  return writeForUser(db, candidate.userId, { operation: "alerts.fire" }, async (tx, log) => {
    // Re-read under the owner's lock: the candidate was read before it.
    const current = await tx.alert.findUnique({ where: { id: candidate.id }, select: firingStateColumns });
    if (!current || !mayFire(current as unknown as FiringState, tick, previous)) return false;
    const next = afterFiring(current as unknown as FiringState, tick);
    const claimed = await tx.alert.updateMany({
      where: { id: current.id, state: "armed", arming: current.arming, version: current.version },
      data: { ...next, triggeredAt: new Date(), triggeredPrice: tick.price, triggeredTickSeq: tick.seq, version: { increment: 1 } },
    });
    if (claimed.count !== 1) return false;
    const firing = await tx.alertFiring.create({
      data: { id: randomUUID(), alertId: current.id, userId: current.userId, arming: current.arming, ticker: current.ticker, tickSeq: tick.seq, price: tick.price, tickAt: tick.at },
      select: firingColumns,
    });
    const alert = toAlertView((await tx.alert.findUnique({ where: { id: current.id }, select: firingStateColumns }))!);
    await log.append({ type: "alert.fired", entity: "alert", entityId: alert.id, version: alert.version, payload: { alert, firing } });
    return true;
  });
}

/**
 * The sweep (every process runs it periodically): evaluates every ticker whose
 * cursor is behind (ticks a dead process acknowledged but never evaluated),
 * re-checks each ticker's last evaluated tick against above/below alerts (so an
 * alert created or re-armed while the price already meets it fires), and marks
 * alerts past their expiry.
 */
export async function sweepAlerts(db: Database, now = new Date(), signal?: AbortSignal): Promise<EvaluationReport & { expired: number }> {
  const report = { evaluated: 0, fired: 0, expired: 0 };
  // `signal` (the scheduler is stopping) ends the sweep between ticks: the cursor keeps the rest for the next one.
  for (const { ticker } of await tickersBehind(db)) {
    if (signal?.aborted) return report;
    const r = await evaluateTicker(db, ticker, undefined, signal);
    report.evaluated += r.evaluated;
    report.fired += r.fired;
  }
  const armedTickers = await db.prisma.alert.findMany({ where: { state: "armed" }, select: { ticker: true }, distinct: ["ticker"] });
  for (const { ticker } of armedTickers) {
    if (signal?.aborted) return report;
    report.fired += await recheckLatest(db, ticker);
  }
  report.expired = await expireAlerts(db, now);
  return report;
}

/** Re-checks the ticker's last evaluated tick against its above/below alerts (after one is armed, and in the sweep). */
export async function recheckLatest(db: Database, ticker: string): Promise<number> {
  const cursor = await db.prisma.ticker.findUnique({ where: { ticker }, select: { evaluatedSeq: true } });
  if (!cursor || cursor.evaluatedSeq === 0) return 0;
  const [latest] = await ticksBetween(db, ticker, cursor.evaluatedSeq, cursor.evaluatedSeq);
  return latest ? fireAlertsAt(db, ticker, latest, null, true) : 0;
}

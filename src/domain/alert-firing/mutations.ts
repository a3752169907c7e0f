import { randomUUID } from "node:crypto";
import type { Database, Sql } from "@/db/client";
import { alertsMetBy, candidateFromSqlRow, FIRING_STATE_SQL, toAlertView, type CandidateAlert } from "../alerts/data";
import { afterFiring, mayFire, type FiringState, type Tick } from "../alerts/lib/firing-rules";
import { expireAlerts } from "../alerts/mutations";
import { tickerCursor, ticksBetween, tickersBehind } from "../prices/data";
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
 * Hand-written statements throughout: it runs for every ingested batch.
 */
export async function evaluateTicker(db: Database, ticker: string, maxTicks = 2000, signal?: AbortSignal): Promise<EvaluationReport> {
  const report: EvaluationReport = { evaluated: 0, fired: 0 };
  while (report.evaluated < maxTicks && !signal?.aborted) {
    const cursor = await tickerCursor(db.sql, ticker);
    if (!cursor || cursor.evaluatedSeq >= cursor.seq) break;
    const from = cursor.evaluatedSeq;
    const ticks = await ticksBetween(db.sql, ticker, Math.max(from, 1), Math.min(cursor.seq, from + 200));
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
    if (done > from) await db.sql.run(ADVANCE_CURSOR, done, new Date(), ticker, from);
  }
  return report;
}

const ADVANCE_CURSOR = `UPDATE "ticker" SET "evaluatedSeq" = ?, "updatedAt" = ? WHERE "ticker" = ? AND "evaluatedSeq" = ?`;

/** Fires every alert that `tick` (after `previous`) fires; `levelsOnly` limits it to above/below (the sweep's re-check). */
export async function fireAlertsAt(db: Database, ticker: string, tick: Tick, previous: Tick | null, levelsOnly = false): Promise<number> {
  const candidates = await alertsMetBy(db.sql, ticker, tick, levelsOnly ? null : previous);
  let fired = 0;
  // Distinct alerts, each claimed in its own transaction under one owner's lock: they can run side
  // by side (a tick that fires many users' alerts), never holding two locks, so never deadlocking.
  for (let i = 0; i < candidates.length; i += CLAIMS_AT_ONCE) {
    const claims = candidates.slice(i, i + CLAIMS_AT_ONCE).map((candidate) => claimFiring(db, candidate, tick, previous));
    fired += (await Promise.all(claims)).filter(Boolean).length;
  }
  return fired;
}

/** Claims of one tick in flight at once: a few, so a burst of firings never takes every pooled connection. */
const CLAIMS_AT_ONCE = 4;

const CLAIM = `UPDATE "alert" SET "state" = ?, "stateReason" = ?, "arming" = ?, "fireCount" = ?, "lastFiredAt" = ?, "lastFiredSeq" = ?,
  "windowStartAt" = ?, "windowFires" = ?, "triggeredAt" = ?, "triggeredPrice" = ?, "triggeredTickSeq" = ?, "version" = "version" + 1, "updatedAt" = ?
  WHERE "id" = ? AND "state" = 'armed' AND "arming" = ? AND "version" = ? RETURNING ${FIRING_STATE_SQL}`;
const RECORD_FIRING = `INSERT INTO "alert_firing" ("id", "alertId", "userId", "arming", "ticker", "tickSeq", "price", "tickAt", "firedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const READ_FOR_FIRING = `SELECT ${FIRING_STATE_SQL} FROM "alert" WHERE "id" = ?`;

/** Marks `alert` fired by `tick` if it is still exactly as read (armed, same arming and version); null if it is not. */
async function markFired(sql: Sql, alert: CandidateAlert, tick: Tick): Promise<CandidateAlert | null> {
  const next = afterFiring(alert as unknown as FiringState, tick);
  const now = new Date();
  const [row] = await sql.all<Record<string, unknown>>(
    CLAIM,
    next.state,
    next.stateReason,
    next.arming,
    next.fireCount,
    next.lastFiredAt,
    next.lastFiredSeq,
    next.windowStartAt,
    next.windowFires,
    now,
    tick.price,
    tick.seq,
    now,
    alert.id,
    alert.arming,
    alert.version,
  );
  return row ? candidateFromSqlRow(row) : null;
}

/** Claims and records one firing of `candidate` by `tick`; false if it is not (or no longer) due. */
export async function claimFiring(db: Database, candidate: CandidateAlert, tick: Tick, previous: Tick | null): Promise<boolean> {
  // The candidate was read after the tick committed: if it cannot fire as read, skipping is
  // the same as this evaluation having run a moment earlier (an arming after it gets the sweep's re-check).
  if (!mayFire(candidate as unknown as FiringState, tick, previous)) return false;
  return writeForUser(db, candidate.userId, { operation: "alerts.fire" }, async (_tx, log, sql) => {
    // The claim: one conditional update with the row as read in its WHERE. Zero rows means the
    // alert changed since (fired by another evaluator, edited, re-armed): decide again on the row
    // as it is now, under the owner's lock, where it cannot change again.
    let claimed = candidate;
    let fired = await markFired(sql, claimed, tick);
    if (!fired) {
      const [row] = await sql.all<Record<string, unknown>>(READ_FOR_FIRING, candidate.id);
      if (!row) return false;
      claimed = candidateFromSqlRow(row);
      if (!mayFire(claimed as unknown as FiringState, tick, previous)) return false;
      fired = await markFired(sql, claimed, tick);
      if (!fired) return false;
    }
    const firing = { id: randomUUID(), alertId: claimed.id, arming: claimed.arming, ticker: claimed.ticker, tickSeq: tick.seq, price: tick.price, tickAt: tick.at, firedAt: new Date() };
    // Unique per (alert, arming): a second record of this arming fails and rolls the claim back.
    await sql.run(RECORD_FIRING, firing.id, firing.alertId, claimed.userId, firing.arming, firing.ticker, firing.tickSeq, firing.price, firing.tickAt, firing.firedAt);
    const alert = toAlertView(fired);
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
  const cursor = await tickerCursor(db.sql, ticker);
  if (!cursor || cursor.evaluatedSeq === 0) return 0;
  const [latest] = await ticksBetween(db.sql, ticker, cursor.evaluatedSeq, cursor.evaluatedSeq);
  return latest ? fireAlertsAt(db, ticker, latest, null, true) : 0;
}

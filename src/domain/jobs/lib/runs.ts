import { randomUUID } from "node:crypto";
import type { Database, Sql } from "@/db/client";
import type { EventLogWriter, WriteRequest } from "../../writes";
import { writeForUser } from "../../writes";
import { JOB_RUN_SQL, JOB_RUNTIME_SQL, jobRunFromSql, jobRuntimeFromSql, misfireOf, scheduleOf, toJobRunView, type DueJob, type RunOfJob } from "../data";
import type { JobRunStatus, JobRunView, JobRuntime } from "../schema";
import { MISFIRE_GRACE_MS, planClaim } from "./schedule";

/*
 * The scheduler's writes, hand-written (docs/decisions/0011, 0013). For a
 * trader's job each runs in writeForUser of the owner, so its jobRun.* events
 * commit with it; system jobs have no owner and no events. Every one is
 * conditional in its WHERE clause: zero rows means another process (or an
 * edit) got there first, and nothing is written.
 */

/** In-process signal after a commit that may change when the scheduler must wake. */
export const JOBS_CHANGED = "jobs-changed";
/** PostgreSQL channel with the same meaning for the other processes (NOTIFY is delivered on commit). */
export const PG_JOBS_CHANNEL = "vo_jobs";

export interface RunnerClock {
  now: Date;
  /** "host:pid" of this process (plus a suffix when one process runs several schedulers, in tests). */
  runner: string;
  leaseMs: number;
}

/** A run this process now holds the lease of, with what its handler needs. */
export interface HeldRun {
  run: JobRunView;
  job: { id: string; ownerId: string | null; name: string; kind: string; params: unknown };
}

export interface ClaimOutcome {
  /** False when another process (or an edit) got there first: nothing was written. */
  claimed: boolean;
  /** The run this process starts now (none when the policy skipped the missed ticks). */
  held: HeldRun | null;
}

const CLAIM = `UPDATE "job" SET "nextRunAt" = ? WHERE "id" = ? AND "nextRunAt" = ? AND "paused" = ? AND "version" = ?`;
const CLAIM_AND_START = `UPDATE "job" SET "nextRunAt" = ?, "lastRunAt" = ?, "lastStatus" = 'running' WHERE "id" = ? AND "nextRunAt" = ? AND "paused" = ? AND "version" = ?`;
const INSERT_RUN = `INSERT INTO "job_run" ("id", "jobId", "scheduledFor", "reason", "status", "attempt", "runner", "leaseUntil", "startedAt", "version", "createdAt")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Claims the due tick of `due` (as read by dueJobs): ONE conditional write —
 * nextRunAt still equals the due time, the job is not paused and not edited
 * since it was read — that moves nextRunAt on, and, in the same transaction,
 * the insert of the tick's run(s). A process that loses the race changes
 * nothing. The unique key (jobId, scheduledFor) is the database's own guard.
 */
export async function claimDueJob(db: Database, due: DueJob, clock: RunnerClock, graceMs = MISFIRE_GRACE_MS): Promise<ClaimOutcome> {
  return (await claimDueJobs(db, [due], clock, graceMs))[0]!;
}

/**
 * claimDueJob for several due jobs of ONE owner in one transaction (one take of
 * the owner's lock, one commit): each job's claim is its own conditional write,
 * decided on its own. If any statement fails, nothing of the batch is written.
 */
export async function claimDueJobs(db: Database, dues: readonly DueJob[], clock: RunnerClock, graceMs = MISFIRE_GRACE_MS): Promise<ClaimOutcome[]> {
  const ownerId = dues[0]?.ownerId ?? null;
  if (dues.some((due) => due.ownerId !== ownerId)) throw new Error("claimDueJobs: jobs of one owner only");
  const { now, runner, leaseMs } = clock;
  const claims = dues.map((due) => {
    const plan = planClaim(scheduleOf(due), misfireOf(due), due.nextRunAt, now, graceMs);
    const rows = plan.runs.map((planned, index) => ({
      id: randomUUID(),
      jobId: due.id,
      scheduledFor: planned.scheduledFor,
      reason: planned.reason,
      // The first run starts here and now; further catch-up runs wait for any process.
      ...(index === 0
        ? { status: "running", attempt: 1, runner, leaseUntil: new Date(now.getTime() + leaseMs), startedAt: now }
        : { status: "pending", attempt: 0, runner: null, leaseUntil: null, startedAt: null }),
      version: 1,
      createdAt: now,
    }));
    return { due, plan, rows };
  });
  const outcomes = await writeForOwner(db, ownerId, { operation: "jobs.claim" }, async (log, sql) => {
    const held: Array<JobRunView | null | undefined> = [];
    let catchUps = false;
    for (const { due, plan, rows } of claims) {
      const first = rows[0];
      // Why the claim does not bump `version`: version counts the trader's edits,
      // so that expectedVersion keeps working for a job that runs every second.
      // The version in the WHERE clause still fences the claim against an edit
      // committed after dueJobs read the schedule this plan was computed from.
      const count = first
        ? await sql.run(CLAIM_AND_START, plan.nextRunAt, now, due.id, due.nextRunAt, false, due.version)
        : await sql.run(CLAIM, plan.nextRunAt, due.id, due.nextRunAt, false, due.version);
      if (count !== 1) {
        held.push(undefined);
        continue;
      }
      for (const r of rows) {
        await sql.run(INSERT_RUN, r.id, r.jobId, r.scheduledFor, r.reason, r.status, r.attempt, r.runner, r.leaseUntil, r.startedAt, r.version, r.createdAt);
      }
      catchUps ||= rows.length > 1;
      if (!first) {
        held.push(null);
        continue;
      }
      const run = toJobRunView({ ...first, finishedAt: null, error: null, result: null });
      const job: JobRuntime = { id: due.id, nextRunAt: plan.nextRunAt, lastRunAt: now, lastStatus: "running" };
      await log?.append({ type: "jobRun.started", entity: "jobRun", entityId: run.id, version: run.version, payload: { run, job } });
      held.push(run);
    }
    if (catchUps) await notifyScheduler(sql);
    return { held, catchUps };
  });
  if (outcomes.catchUps) db.bus.emit(JOBS_CHANGED);
  return claims.map(({ due }, i) => {
    const run = outcomes.held[i];
    if (run === undefined) return { claimed: false, held: null };
    return { claimed: true, held: run && heldRun(run, { id: due.id, ownerId: due.ownerId, name: due.name, kind: due.kind, params: due.params }) };
  });
}

const START = `UPDATE "job_run" SET "status" = 'running', "attempt" = 1, "runner" = ?, "leaseUntil" = ?, "startedAt" = ?, "version" = "version" + 1
  WHERE "id" = ? AND "status" = 'pending'`;
const MARK_STARTED = `UPDATE "job" SET "lastRunAt" = ?, "lastStatus" = 'running' WHERE "id" = ? RETURNING ${JOB_RUNTIME_SQL}`;

/** Starts a pending (manual or catch-up) run: one conditional write, pending → running, so exactly one process gets it. */
export async function startPendingRun(db: Database, pending: RunOfJob, clock: RunnerClock): Promise<HeldRun | null> {
  const { now, runner, leaseMs } = clock;
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const run = await writeForOwner(db, pending.job.ownerId, { operation: "jobs.start" }, async (log, sql) => {
    const count = await sql.run(START, runner, leaseUntil, now, pending.id);
    if (count !== 1) return null;
    const [job] = await sql.all<Record<string, unknown>>(MARK_STARTED, now, pending.jobId);
    if (!job) throw new Error(`job ${pending.jobId} of run ${pending.id} not found`);
    const view = toJobRunView({
      ...pending,
      status: "running",
      attempt: 1,
      runner,
      leaseUntil,
      startedAt: now,
      finishedAt: null,
      error: null,
      result: null,
      version: pending.version + 1,
    });
    await log?.append({ type: "jobRun.started", entity: "jobRun", entityId: view.id, version: view.version, payload: { run: view, job: jobRuntimeFromSql(job) } });
    return view;
  });
  return run && heldRun(run, { id: pending.jobId, ...pending.job });
}

const EXPIRED = `WHERE "id" = ? AND "status" = 'running' AND "attempt" = ? AND "leaseUntil" < ? RETURNING ${JOB_RUN_SQL}`;
const ABANDON = `UPDATE "job_run" SET "status" = 'abandoned', "finishedAt" = ?, "leaseUntil" = NULL, "error" = ?, "version" = "version" + 1 ${EXPIRED}`;
const TAKE_OVER = `UPDATE "job_run" SET "status" = 'running', "attempt" = ?, "reason" = 'takeover', "runner" = ?, "leaseUntil" = ?, "startedAt" = ?, "version" = "version" + 1 ${EXPIRED}`;

/**
 * Takes over a run whose lease expired (its runner died or lost the database):
 * one conditional update of the same row — still running, same attempt, lease
 * still expired — that makes this process its runner with attempt + 1. After
 * `maxAttempts` runners were lost, the run is marked abandoned instead.
 */
export async function takeOverRun(db: Database, expired: RunOfJob, clock: RunnerClock, maxAttempts: number): Promise<HeldRun | null> {
  const { now, runner, leaseMs } = clock;
  const abandon = expired.attempt >= maxAttempts;
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const error = `abandoned: ${expired.attempt} runner(s) lost it (last ${expired.runner ?? "?"})`;
  const run = await writeForOwner(db, expired.job.ownerId, { operation: "jobs.takeover" }, async (log, sql) => {
    const [row] = abandon
      ? await sql.all<Record<string, unknown>>(ABANDON, now, error, expired.id, expired.attempt, now)
      : await sql.all<Record<string, unknown>>(TAKE_OVER, expired.attempt + 1, runner, leaseUntil, now, expired.id, expired.attempt, now);
    if (!row) return null;
    const job = await updateLastRun(sql, expired.jobId, expired.startedAt, abandon ? { lastStatus: "abandoned" } : { lastRunAt: now, lastStatus: "running" });
    const view = toJobRunView(jobRunFromSql(row));
    await log?.append({
      type: abandon ? "jobRun.finished" : "jobRun.started",
      entity: "jobRun",
      entityId: view.id,
      version: view.version,
      payload: { run: view, job },
    });
    return view;
  });
  return run && !abandon ? heldRun(run, { id: expired.jobId, ...expired.job }) : null;
}

const HELD = `WHERE "id" = ? AND "status" = 'running' AND "runner" = ? AND "attempt" = ?`;
const RENEW = `UPDATE "job_run" SET "leaseUntil" = ? ${HELD}`;

/**
 * Extends the lease of a run this process holds. Conditional on runner and
 * attempt: false means the run was taken over, abandoned or deleted, and this
 * runner must stop. Not a user-visible change: no lock, no event, no version.
 */
export async function renewLease(db: Database, run: JobRunView, leaseUntil: Date): Promise<boolean> {
  return (await db.sql.run(RENEW, leaseUntil, run.id, run.runner, run.attempt)) === 1;
}

export interface RunOutcome {
  status: Extract<JobRunStatus, "succeeded" | "failed">;
  error?: string | null;
  /** Small JSON (the handler's result). */
  result?: string | null;
}

const FINISH = `UPDATE "job_run" SET "status" = ?, "finishedAt" = ?, "leaseUntil" = NULL, "error" = ?, "result" = ?, "version" = "version" + 1 ${HELD}`;

/** Records how a held run ended. False when this runner no longer holds it (taken over, deleted): nothing is written. */
export async function finishRun(db: Database, held: HeldRun, outcome: RunOutcome, now = new Date()): Promise<boolean> {
  const { run } = held;
  return writeForOwner(db, held.job.ownerId, { operation: "jobs.finish" }, async (log, sql) => {
    const count = await sql.run(FINISH, outcome.status, now, outcome.error ?? null, outcome.result ?? null, run.id, run.runner, run.attempt);
    if (count !== 1) return false;
    const job = await updateLastRun(sql, run.jobId, run.startedAt, { lastStatus: outcome.status });
    const view: JobRunView = {
      ...run,
      status: outcome.status,
      finishedAt: now,
      leaseUntil: null,
      error: outcome.error ?? null,
      result: outcome.result == null ? null : (JSON.parse(outcome.result) as unknown),
      version: run.version + 1,
    };
    await log?.append({ type: "jobRun.finished", entity: "jobRun", entityId: run.id, version: view.version, payload: { run: view, job } });
    return true;
  });
}

const RELEASE = `UPDATE "job_run" SET "leaseUntil" = ? ${HELD}`;

/** On a graceful stop: lets another process take these runs over at once instead of after their lease. */
export async function releaseLeases(db: Database, runs: JobRunView[], now = new Date()): Promise<void> {
  if (runs.length === 0) return;
  await db.transaction(async (_tx, sql) => {
    for (const run of runs) await sql.run(RELEASE, now, run.id, run.runner, run.attempt);
    await notifyScheduler(sql);
  });
}


type Log = EventLogWriter | null;

/** The owner's write lock and event log for a trader's job; a plain transaction for a system job. Hand-written statements only. */
function writeForOwner<T>(db: Database, ownerId: string | null, request: WriteRequest, work: (log: Log, sql: Sql) => Promise<T>): Promise<T> {
  return ownerId ? writeForUser(db, ownerId, request, (_tx, log, sql) => work(log, sql)) : db.transaction((_tx, sql) => work(null, sql));
}

export async function notifyScheduler(sql: Sql): Promise<void> {
  if (sql.provider === "postgresql") await sql.all(`SELECT pg_notify(?, '')::text AS "notified"`, PG_JOBS_CHANNEL);
}

function heldRun(run: JobRunView, job: { id: string; ownerId: string | null; name: string; kind: string; params: string }): HeldRun {
  return { run, job: { ...job, params: JSON.parse(job.params) as unknown } };
}

const RUNTIME_OF = `SELECT ${JOB_RUNTIME_SQL} FROM "job" WHERE "id" = ?`;
const LAST_RUN = `UPDATE "job" SET "lastStatus" = ? WHERE "id" = ? AND "lastRunAt" = ? RETURNING ${JOB_RUNTIME_SQL}`;
const LAST_RUN_AT = `UPDATE "job" SET "lastRunAt" = ?, "lastStatus" = ? WHERE "id" = ? AND "lastRunAt" = ? RETURNING ${JOB_RUNTIME_SQL}`;

/** lastRunAt / lastStatus follow the latest started run only: a slower, older run finishing late does not overwrite them. */
async function updateLastRun(sql: Sql, jobId: string, startedAt: Date | null, data: { lastRunAt?: Date; lastStatus: JobRunStatus }): Promise<JobRuntime> {
  // One statement in the usual case (UPDATE … RETURNING); a read only when a newer run started meanwhile.
  let [row] = !startedAt
    ? []
    : data.lastRunAt
      ? await sql.all<Record<string, unknown>>(LAST_RUN_AT, data.lastRunAt, data.lastStatus, jobId, startedAt)
      : await sql.all<Record<string, unknown>>(LAST_RUN, data.lastStatus, jobId, startedAt);
  row ??= (await sql.all<Record<string, unknown>>(RUNTIME_OF, jobId))[0];
  if (!row) throw new Error(`job ${jobId} not found`);
  return jobRuntimeFromSql(row);
}

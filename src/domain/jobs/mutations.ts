import { randomUUID } from "node:crypto";
import type { Database, Sql, Tx } from "@/db/client";
import { ConflictError, ValidationError } from "../errors";
import { parseInput, zodFieldErrors } from "../validation";
import { writeForUser, type EventLogWriter, type WriteRequest } from "../writes";
import {
  findJobRow,
  JOB_RUN_SQL,
  JOB_RUNTIME_SQL,
  jobColumns,
  jobRunColumns,
  jobRunFromSql,
  jobRuntimeFromSql,
  misfireOf,
  scheduleOf,
  toJobRunView,
  toJobRuntime,
  toJobView,
  type DueJob,
  type JobRow,
  type RunOfJob,
} from "./data";
import { isWholeSecond, nextTick, planClaim, MISFIRE_GRACE_MS, type JobSchedule, type MisfirePolicy } from "./lib/schedule";
import {
  isJobKind,
  JOB_KINDS,
  jobVersionedInput,
  registerJobInput,
  SYSTEM_OWNER,
  TRADER_JOB_KINDS,
  triggerJobInput,
  updateJobInput,
  updateScheduleInput,
  type JobKind,
  type JobRunStatus,
  type JobRunView,
  type JobRuntime,
  type JobVersionedInput,
  type JobView,
  type RegisterJobInput,
  type TriggerJobInput,
  type UpdateJobInput,
  type UpdateScheduleInput,
} from "./schema";

/*
 * Trader writes run in writeForUser (the owner's write lock, receipts, an event
 * in the same transaction). The scheduler's writes for a trader's job (claim,
 * start, takeover, finish) run in writeForUser of the owner too, so their
 * jobRun.* events commit with them; system jobs have no owner and no events.
 * Every scheduler write is conditional in its WHERE clause; the owner's lock
 * orders it against the trader's edits, the condition is what keeps it right.
 */

/** In-process signal after a commit that may change when the scheduler must wake. */
export const JOBS_CHANGED = "jobs-changed";
/** PostgreSQL channel with the same meaning for the other processes (NOTIFY is delivered on commit). */
export const PG_JOBS_CHANNEL = "vo_jobs";

export interface JobWriteOptions {
  /** The clock (tests); default: now. */
  now?: Date;
  /** Kinds this caller may register; default: the trader kinds (the API's). */
  kinds?: readonly JobKind[];
}

export function registerJob(db: Database, userId: string, input: RegisterJobInput, options: JobWriteOptions = {}): Promise<JobView> {
  const parsed = parseInput(registerJobInput, input, "invalid job");
  const kind = checkKind(parsed.kind, options.kinds ?? TRADER_JOB_KINDS);
  const params = parseParams(kind, parsed.params ?? {});
  const misfire = parsed.misfirePolicy ?? { policy: "runOnce" };
  const now = options.now ?? new Date();
  return changeJobs(db, userId, { operation: "jobs.register", requestId: parsed.requestId }, async (tx, log) => {
    const existing = await tx.job.findFirst({ where: { ownerKey: userId, name: parsed.name }, select: jobColumns });
    if (existing) throw nameTaken(toJobView(existing));
    const paused = parsed.paused ?? false;
    const row = await tx.job.create({
      data: {
        id: randomUUID(),
        ownerId: userId,
        ownerKey: userId,
        name: parsed.name,
        kind,
        schedule: JSON.stringify(parsed.schedule),
        params: JSON.stringify(params),
        paused,
        ...misfireColumns(misfire),
        nextRunAt: paused ? null : nextTick(parsed.schedule, now),
        createdAt: now,
        updatedAt: now,
      },
      select: jobColumns,
    });
    return logJob(tx, log, "job.registered", toJobView(row));
  });
}

/** Renames the job, or changes its params or misfire policy. */
export function updateJob(db: Database, userId: string, input: UpdateJobInput, options: JobWriteOptions = {}): Promise<JobView> {
  const parsed = parseInput(updateJobInput, input, "invalid job update");
  const now = options.now ?? new Date();
  return changeJobs(db, userId, { operation: "jobs.update", requestId: parsed.requestId }, async (tx, log) => {
    const current = await currentJob(tx, userId, parsed.id, parsed.expectedVersion);
    if (parsed.name !== undefined && parsed.name !== current.name) {
      const other = await tx.job.findFirst({ where: { ownerKey: userId, name: parsed.name }, select: jobColumns });
      if (other) throw nameTaken(toJobView(other));
    }
    const params = parsed.params === undefined ? undefined : parseParams(current.kind as JobKind, parsed.params);
    const data = {
      ...(parsed.name !== undefined && { name: parsed.name }),
      ...(params !== undefined && { params: JSON.stringify(params) }),
      ...(parsed.misfirePolicy !== undefined && misfireColumns(parsed.misfirePolicy)),
    };
    const next = await writeVersioned(tx, current, data, now);
    return logJob(tx, log, "job.updated", next);
  });
}

/** A new schedule; the next run is its first tick from now. Catch-up runs of the old schedule not yet started are dropped. */
export function rescheduleJob(db: Database, userId: string, input: UpdateScheduleInput, options: JobWriteOptions = {}): Promise<JobView> {
  const parsed = parseInput(updateScheduleInput, input, "invalid schedule update");
  const now = options.now ?? new Date();
  return changeJobs(db, userId, { operation: "jobs.updateSchedule", requestId: parsed.requestId }, async (tx, log) => {
    const current = await currentJob(tx, userId, parsed.id, parsed.expectedVersion);
    const nextRunAt = current.paused ? null : nextTick(parsed.schedule, now);
    const next = await writeVersioned(tx, current, { schedule: JSON.stringify(parsed.schedule), nextRunAt }, now);
    await dropPendingCatchUps(tx, current.id);
    return logJob(tx, log, "job.rescheduled", next);
  });
}

/**
 * Always a write, even when the job is already paused: the last committed
 * pause/resume is the one that holds, and its event says so. Catch-up runs not
 * yet started are dropped; a pending "Run now" still runs.
 */
export function pauseJob(db: Database, userId: string, input: JobVersionedInput, options: JobWriteOptions = {}): Promise<JobView> {
  const parsed = parseInput(jobVersionedInput, input, "invalid job id");
  const now = options.now ?? new Date();
  return changeJobs(db, userId, { operation: "jobs.pause", requestId: parsed.requestId }, async (tx, log) => {
    const current = await currentJob(tx, userId, parsed.id, parsed.expectedVersion);
    const next = await writeVersioned(tx, current, { paused: true, nextRunAt: null }, now);
    await dropPendingCatchUps(tx, current.id);
    return logJob(tx, log, "job.paused", next);
  });
}

/** Resuming a paused job schedules its first tick from now: ticks due while it was paused are not missed, they are skipped. */
export function resumeJob(db: Database, userId: string, input: JobVersionedInput, options: JobWriteOptions = {}): Promise<JobView> {
  const parsed = parseInput(jobVersionedInput, input, "invalid job id");
  const now = options.now ?? new Date();
  return changeJobs(db, userId, { operation: "jobs.resume", requestId: parsed.requestId }, async (tx, log) => {
    const current = await currentJob(tx, userId, parsed.id, parsed.expectedVersion);
    // An unpaused job keeps its nextRunAt: recomputing it from now could drop a due, unclaimed tick.
    const nextRunAt = current.paused ? nextTick(scheduleOf(current), now) : current.nextRunAt;
    const next = await writeVersioned(tx, current, { paused: false, nextRunAt }, now);
    return logJob(tx, log, "job.resumed", next);
  });
}

/** Deletes the job and its runs; a run in progress is dropped (its runner's finish and lease renewal find no row). */
export function deleteJob(db: Database, userId: string, input: JobVersionedInput): Promise<JobView> {
  const parsed = parseInput(jobVersionedInput, input, "invalid job id");
  return changeJobs(db, userId, { operation: "jobs.delete", requestId: parsed.requestId }, async (tx, log) => {
    const current = await currentJob(tx, userId, parsed.id, parsed.expectedVersion);
    const { count } = await tx.job.deleteMany({ where: { id: current.id, ownerKey: userId, version: current.version } });
    if (count !== 1) throw changedDuringWrite(toJobView(current));
    // The deletion has its own, higher version, so a version-aware client store takes the tombstone.
    return logJob(tx, log, "job.deleted", { ...toJobView(current), version: current.version + 1 });
  });
}

/**
 * "Run now": a pending manual run that any scheduler process starts. While one
 * is pending, further triggers coalesce into it (the owner's write lock orders
 * them, so each later one finds it; the partial unique index
 * job_run_one_pending_manual is the database's own guard) and every caller gets
 * that run. Runs even when the job is paused.
 */
export function triggerJob(db: Database, userId: string, input: TriggerJobInput, options: JobWriteOptions = {}): Promise<JobRunView> {
  const parsed = parseInput(triggerJobInput, input, "invalid job id");
  const now = options.now ?? new Date();
  return changeJobs(db, userId, { operation: "jobs.trigger", requestId: parsed.requestId }, async (tx, log) => {
    const job = await currentJob(tx, userId, parsed.id);
    const pending = await pendingManualRun(tx, job.id);
    if (pending) return pending;
    const run = await insertManualRun(tx, job.id, now);
    await log.append({ type: "jobRun.requested", entity: "jobRun", entityId: run.id, version: run.version, payload: { run, job: toJobRuntime(job) } });
    return run;
  });
}

// ---- system jobs ----

export interface SystemJobDefinition {
  name: string;
  kind: JobKind;
  schedule: JobSchedule;
  misfirePolicy: MisfirePolicy;
}

/**
 * Registers a system job if it is missing, or brings it to `definition` if an
 * older build registered it differently. Every process calls this at start: a
 * concurrent creator winning the unique (ownerKey, name) is fine.
 */
export async function ensureSystemJob(db: Database, definition: SystemJobDefinition, now = new Date()): Promise<void> {
  const params = JSON.stringify(parseParams(definition.kind, {}));
  const schedule = JSON.stringify(definition.schedule);
  const misfire = misfireColumns(definition.misfirePolicy);
  const existing = await db.prisma.job.findFirst({ where: { ownerKey: SYSTEM_OWNER, name: definition.name }, select: jobColumns });
  if (!existing) {
    try {
      await db.prisma.job.create({
        data: {
          id: randomUUID(),
          ownerId: null,
          ownerKey: SYSTEM_OWNER,
          name: definition.name,
          kind: definition.kind,
          schedule,
          params,
          ...misfire,
          nextRunAt: nextTick(definition.schedule, now),
          createdAt: now,
          updatedAt: now,
        },
        select: { id: true },
      });
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
    }
    return;
  }
  const same =
    existing.kind === definition.kind &&
    existing.schedule === schedule &&
    existing.params === params &&
    existing.misfirePolicy === misfire.misfirePolicy &&
    existing.catchUpLimit === misfire.catchUpLimit;
  if (same) return;
  await db.prisma.job.updateMany({
    where: { id: existing.id, version: existing.version },
    data: { kind: definition.kind, schedule, params, ...misfire, nextRunAt: nextTick(definition.schedule, now), version: { increment: 1 }, updatedAt: now },
  });
}

/** "Run now" for a system job (e.g. key rotation at start); coalesces like triggerJob. */
export async function triggerSystemJob(db: Database, name: string, now = new Date()): Promise<JobRunView | null> {
  const attempt = () =>
    db.transaction(async (tx, sql) => {
      const job = await tx.job.findFirst({ where: { ownerKey: SYSTEM_OWNER, name }, select: { id: true } });
      if (!job) return null;
      const run = (await pendingManualRun(tx, job.id)) ?? (await insertManualRun(tx, job.id, now));
      await notifyScheduler(sql);
      return run;
    });
  let run: JobRunView | null;
  try {
    run = await attempt();
  } catch (error) {
    // No owner lock for system jobs: a concurrent trigger won the partial unique index; take its run.
    if ((error as { code?: string }).code !== "P2002") throw error;
    run = await attempt();
  }
  db.bus.emit(JOBS_CHANGED);
  return run;
}

// ---- the scheduler's writes ----

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

// ---- helpers ----

type Log = EventLogWriter | null;

/** A user's job write (writeForUser) that wakes the schedulers after it commits. */
async function changeJobs<T>(db: Database, userId: string, request: WriteRequest, work: (tx: Tx, log: EventLogWriter) => Promise<T>): Promise<T> {
  const result = await writeForUser(db, userId, request, async (tx, log, sql) => {
    const value = await work(tx, log);
    await notifyScheduler(sql);
    return value;
  });
  db.bus.emit(JOBS_CHANGED);
  return result;
}

/** The owner's write lock and event log for a trader's job; a plain transaction for a system job. Hand-written statements only. */
function writeForOwner<T>(db: Database, ownerId: string | null, request: WriteRequest, work: (log: Log, sql: Sql) => Promise<T>): Promise<T> {
  return ownerId ? writeForUser(db, ownerId, request, (_tx, log, sql) => work(log, sql)) : db.transaction((_tx, sql) => work(null, sql));
}

async function notifyScheduler(sql: Sql): Promise<void> {
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

async function currentJob(tx: Tx, userId: string, id: string, expectedVersion?: number): Promise<JobRow> {
  const row = await findJobRow(tx, userId, id);
  if (expectedVersion !== undefined && expectedVersion !== row.version) {
    throw new ConflictError(`job "${row.name}" changed: version ${row.version}, not ${expectedVersion}`, toJobView(row));
  }
  return row;
}

/** The edit as one conditional write on the version read under the lock; the job after it. */
async function writeVersioned(tx: Tx, current: JobRow, data: Partial<Omit<JobRow, "id" | "version">>, now: Date): Promise<JobView> {
  const { count } = await tx.job.updateMany({
    where: { id: current.id, version: current.version },
    data: { ...data, version: { increment: 1 }, updatedAt: now },
  });
  if (count !== 1) throw changedDuringWrite(toJobView(current));
  return toJobView({ ...current, ...data, version: current.version + 1, updatedAt: now });
}

async function logJob(
  tx: Tx,
  log: EventLogWriter,
  type: "job.registered" | "job.updated" | "job.rescheduled" | "job.paused" | "job.resumed" | "job.deleted",
  view: JobView,
): Promise<JobView> {
  await log.append({ type, entity: "job", entityId: view.id, version: view.version, payload: view });
  return view;
}

const changedDuringWrite = (current: JobView) => new ConflictError(`job "${current.name}" changed during the write`, current);
const nameTaken = (existing: JobView) => new ConflictError(`a job named "${existing.name}" already exists`, existing);

function checkKind(kind: string, allowed: readonly JobKind[]): JobKind {
  if (!isJobKind(kind) || !allowed.includes(kind)) {
    throw new ValidationError("invalid job", { kind: [`unknown kind "${kind.slice(0, 64)}"; one of: ${allowed.join(", ")}`] });
  }
  return kind;
}

/** The kind's params, checked by its own schema (defaults filled in); errors under `params.<field>`. */
function parseParams(kind: JobKind, params: unknown): unknown {
  const parsed = JOB_KINDS[kind].params.safeParse(params);
  if (parsed.success) return parsed.data;
  const fieldErrors = zodFieldErrors(parsed.error, "");
  throw new ValidationError("invalid job params", Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field ? `params.${field}` : "params", messages])));
}

function misfireColumns(misfire: MisfirePolicy): { misfirePolicy: string; catchUpLimit: number } {
  return { misfirePolicy: misfire.policy, catchUpLimit: misfire.policy === "catchUp" ? misfire.maxRuns : 0 };
}

function pendingManualRun(tx: Tx, jobId: string): Promise<JobRunView | null> {
  return tx.jobRun
    .findFirst({ where: { jobId, reason: "manual", status: "pending" }, select: jobRunColumns })
    .then((row) => row && toJobRunView(row));
}

/**
 * A manual run's slot: the trigger's instant, moved on by a millisecond while
 * it falls on a whole second (where schedule ticks live) or on a run this job
 * already has, so (jobId, scheduledFor) stays unique without ever colliding
 * with a tick.
 */
async function insertManualRun(tx: Tx, jobId: string, now: Date): Promise<JobRunView> {
  const second = Math.floor(now.getTime() / 1000) * 1000;
  const taken = await tx.jobRun.findMany({ where: { jobId, scheduledFor: { gte: new Date(second) } }, select: { scheduledFor: true } });
  const used = new Set(taken.map((run) => run.scheduledFor.getTime()));
  let at = now.getTime();
  while (isWholeSecond(new Date(at)) || used.has(at)) at++;
  const row = await tx.jobRun.create({
    data: { id: randomUUID(), jobId, scheduledFor: new Date(at), reason: "manual", status: "pending", attempt: 0, version: 1, createdAt: now },
    select: jobRunColumns,
  });
  return toJobRunView(row);
}

async function dropPendingCatchUps(tx: Tx, jobId: string): Promise<void> {
  await tx.jobRun.deleteMany({ where: { jobId, status: "pending", reason: "catchUp" } });
}

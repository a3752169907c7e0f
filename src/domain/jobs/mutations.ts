import { randomUUID } from "node:crypto";
import type { Database, Tx } from "@/db/client";
import { ConflictError, ValidationError } from "../errors";
import { parseInput, zodFieldErrors } from "../validation";
import { writeForUser, type EventLogWriter, type WriteRequest } from "../writes";
import {
  findJobRow,
  jobColumns,
  jobRunColumns,
  scheduleOf,
  toJobRunView,
  toJobRuntime,
  toJobView,
  type JobRow,
} from "./data";
import { JOBS_CHANGED, notifyScheduler } from "./lib/runs";
import { isWholeSecond, nextTick, type JobSchedule, type MisfirePolicy } from "./lib/schedule";
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
  type JobRunView,
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
 * The scheduler's writes are hand-written, in lib/runs.ts.
 */

export {
  claimDueJob,
  claimDueJobs,
  finishRun,
  JOBS_CHANGED,
  PG_JOBS_CHANNEL,
  releaseLeases,
  renewLease,
  startPendingRun,
  takeOverRun,
  type ClaimOutcome,
  type HeldRun,
  type RunnerClock,
  type RunOutcome,
} from "./lib/runs";

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

// ---- helpers ----

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

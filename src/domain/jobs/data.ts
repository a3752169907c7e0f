import type { Database, Tx } from "@/db/client";
import { NotFoundError } from "../errors";
import { parseInput } from "../validation";
import type { JobSchedule, MisfirePolicy } from "./lib/schedule";
import {
  jobIdInput,
  jobRunsInput,
  RUNS_PAGE_MAX,
  type JobIdInput,
  type JobKind,
  type JobRunReason,
  type JobRunsInput,
  type JobRunsPage,
  type JobRunStatus,
  type JobRunView,
  type JobRuntime,
  type JobView,
} from "./schema";

/** Columns a JobView is made from (`toJobView`). */
export const jobColumns = {
  id: true,
  name: true,
  kind: true,
  schedule: true,
  params: true,
  paused: true,
  misfirePolicy: true,
  catchUpLimit: true,
  nextRunAt: true,
  lastRunAt: true,
  lastStatus: true,
  version: true,
  createdAt: true,
  updatedAt: true,
} as const;

export const jobRuntimeColumns = { id: true, nextRunAt: true, lastRunAt: true, lastStatus: true } as const;

export const jobRunColumns = {
  id: true,
  jobId: true,
  scheduledFor: true,
  reason: true,
  status: true,
  attempt: true,
  runner: true,
  leaseUntil: true,
  startedAt: true,
  finishedAt: true,
  error: true,
  result: true,
  version: true,
  createdAt: true,
} as const;

export interface JobRow {
  id: string;
  name: string;
  kind: string;
  schedule: string;
  params: string;
  paused: boolean;
  misfirePolicy: string;
  catchUpLimit: number;
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  lastStatus: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface JobRunRow {
  id: string;
  jobId: string;
  scheduledFor: Date;
  reason: string;
  status: string;
  attempt: number;
  runner: string | null;
  leaseUntil: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
  result: string | null;
  version: number;
  createdAt: Date;
}

export function misfireOf(row: { misfirePolicy: string; catchUpLimit: number }): MisfirePolicy {
  if (row.misfirePolicy === "catchUp") return { policy: "catchUp", maxRuns: row.catchUpLimit };
  return { policy: row.misfirePolicy === "skip" ? "skip" : "runOnce" };
}

export const scheduleOf = (row: { schedule: string }) => JSON.parse(row.schedule) as JobSchedule;

export function toJobView(row: JobRow): JobView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    schedule: scheduleOf(row),
    params: JSON.parse(row.params) as Record<string, unknown>,
    paused: row.paused,
    misfirePolicy: misfireOf(row),
    nextRunAt: row.nextRunAt,
    lastRunAt: row.lastRunAt,
    lastStatus: row.lastStatus as JobRunStatus | null,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toJobRunView(row: JobRunRow): JobRunView {
  return {
    ...row,
    reason: row.reason as JobRunReason,
    status: row.status as JobRunStatus,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
  };
}

export function toJobRuntime(row: { id: string; nextRunAt: Date | null; lastRunAt: Date | null; lastStatus: string | null }): JobRuntime {
  return { ...row, lastStatus: row.lastStatus as JobRunStatus | null };
}

const listOrder = [{ createdAt: "asc" as const }, { id: "asc" as const }];

/** The trader's jobs, oldest first (system jobs are never listed). */
export async function listJobs(db: Database, userId: string): Promise<JobView[]> {
  const rows = await db.prisma.job.findMany({ where: { ownerKey: userId }, select: jobColumns, orderBy: listOrder });
  return rows.map(toJobView);
}

export async function getJob(db: Database, userId: string, input: JobIdInput): Promise<JobView> {
  const { id } = parseInput(jobIdInput, input, "invalid job id");
  return toJobView(await findJobRow(db.prisma, userId, id));
}

/** The job as stored, scoped to its owner: another user's job (or a system job) is "not found". */
export async function findJobRow(client: Tx | Database["prisma"], ownerKey: string, id: string): Promise<JobRow> {
  const row = await client.job.findFirst({ where: { id, ownerKey }, select: jobColumns });
  if (!row) throw jobNotFound(id);
  return row;
}

/** A job's runs, newest tick first, a page at a time (`cursor` from the previous page). */
export async function listJobRuns(db: Database, userId: string, input: JobRunsInput): Promise<JobRunsPage> {
  const { id, cursor, limit = 50 } = parseInput(jobRunsInput, input, "invalid runs query");
  await findJobRow(db.prisma, userId, id);
  const take = Math.min(limit, RUNS_PAGE_MAX);
  const rows = await db.prisma.jobRun.findMany({
    where: { jobId: id, ...(cursor !== undefined && { scheduledFor: { lt: new Date(Number(cursor)) } }) },
    orderBy: { scheduledFor: "desc" },
    take: take + 1,
    select: jobRunColumns,
  });
  const page = rows.slice(0, take);
  return {
    runs: page.map(toJobRunView),
    nextCursor: rows.length > take ? String(page.at(-1)!.scheduledFor.getTime()) : null,
  };
}

/** Another user's job is reported exactly like a missing one. */
export const jobNotFound = (id: string) => new NotFoundError(`no job with id "${id}"`);

// ---- what the scheduler reads ----
//
// Hand-written (src/db/sql.ts, docs/decisions/0013): every process runs these
// on every pass, and a herd of due jobs runs stillDue / runUnchanged once per job.

/** A DateTime as hand-written SQL returns it (text on SQLite, a Date on PostgreSQL). */
export const sqlDate = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string | Date));

/** A Boolean as hand-written SQL returns it (0/1 on SQLite). */
const sqlBoolean = (value: unknown): boolean => value === true || value === 1;

export const JOB_RUN_SQL = Object.keys(jobRunColumns)
  .map((column) => `"${column}"`)
  .join(", ");
export const JOB_RUNTIME_SQL = Object.keys(jobRuntimeColumns)
  .map((column) => `"${column}"`)
  .join(", ");

/** A row of JOB_RUN_SQL → the Prisma shape. */
export function jobRunFromSql(row: Record<string, unknown>): JobRunRow {
  return {
    id: row.id as string,
    jobId: row.jobId as string,
    scheduledFor: sqlDate(row.scheduledFor)!,
    reason: row.reason as string,
    status: row.status as string,
    attempt: Number(row.attempt),
    runner: row.runner as string | null,
    leaseUntil: sqlDate(row.leaseUntil),
    startedAt: sqlDate(row.startedAt),
    finishedAt: sqlDate(row.finishedAt),
    error: row.error as string | null,
    result: row.result as string | null,
    version: Number(row.version),
    createdAt: sqlDate(row.createdAt)!,
  };
}

/** A row of JOB_RUNTIME_SQL → the view. */
export function jobRuntimeFromSql(row: Record<string, unknown>): JobRuntime {
  return toJobRuntime({ id: row.id as string, nextRunAt: sqlDate(row.nextRunAt), lastRunAt: sqlDate(row.lastRunAt), lastStatus: row.lastStatus as string | null });
}

/** What a process needs to claim a due tick and run it. */
export interface DueJob {
  id: string;
  ownerId: string | null;
  name: string;
  kind: JobKind;
  schedule: string;
  params: string;
  misfirePolicy: string;
  catchUpLimit: number;
  nextRunAt: Date;
  version: number;
}

const DUE_JOBS = `SELECT "id", "ownerId", "name", "kind", "schedule", "params", "misfirePolicy", "catchUpLimit", "nextRunAt", "version"
  FROM "job" WHERE "paused" = ? AND "nextRunAt" <= ? ORDER BY "nextRunAt" ASC LIMIT ?`;

/** Unpaused jobs whose next tick is due at `now`, earliest first. */
export async function dueJobs(db: Database, now: Date, limit: number): Promise<DueJob[]> {
  const rows = await db.sql.all<Record<string, unknown>>(DUE_JOBS, false, now, limit);
  return rows.map((row) => ({
    id: row.id as string,
    ownerId: row.ownerId as string | null,
    name: row.name as string,
    kind: row.kind as JobKind,
    schedule: row.schedule as string,
    params: row.params as string,
    misfirePolicy: row.misfirePolicy as string,
    catchUpLimit: Number(row.catchUpLimit),
    nextRunAt: sqlDate(row.nextRunAt)!,
    version: Number(row.version),
  }));
}

const STILL_DUE = `SELECT "nextRunAt", "paused", "version" FROM "job" WHERE "id" = ?`;

/**
 * Whether `due` is still unclaimed and unchanged, by one read without a lock.
 * Only a filter: it saves a losing process the write transaction (on SQLite a
 * wait for the database's one write lock). The claim's own WHERE decides.
 */
export async function stillDue(db: Database, due: DueJob): Promise<boolean> {
  const [row] = await db.sql.all<Record<string, unknown>>(STILL_DUE, due.id);
  return row !== undefined && !sqlBoolean(row.paused) && Number(row.version) === due.version && sqlDate(row.nextRunAt)?.getTime() === due.nextRunAt.getTime();
}

const RUN_STATE = `SELECT "status", "attempt", "leaseUntil" FROM "job_run" WHERE "id" = ?`;

/** Whether a run is still in the state it was read in (same filter role as stillDue). */
export async function runUnchanged(db: Database, run: RunOfJob, status: "pending" | "running"): Promise<boolean> {
  const [row] = await db.sql.all<Record<string, unknown>>(RUN_STATE, run.id);
  return row !== undefined && row.status === status && Number(row.attempt) === run.attempt && sqlDate(row.leaseUntil)?.getTime() === run.leaseUntil?.getTime();
}

/** A run with what its handler needs from the job. */
export interface RunOfJob {
  id: string;
  jobId: string;
  scheduledFor: Date;
  reason: string;
  attempt: number;
  runner: string | null;
  startedAt: Date | null;
  leaseUntil: Date | null;
  version: number;
  createdAt: Date;
  job: { ownerId: string | null; name: string; kind: string; params: string };
}

const runsOfJobs = (where: string, order: string) =>
  `SELECT r."id", r."jobId", r."scheduledFor", r."reason", r."attempt", r."runner", r."startedAt", r."leaseUntil", r."version", r."createdAt",
  j."ownerId" AS "jobOwnerId", j."name" AS "jobName", j."kind" AS "jobKind", j."params" AS "jobParams"
  FROM "job_run" r JOIN "job" j ON j."id" = r."jobId" WHERE ${where} ORDER BY r."${order}" ASC LIMIT ?`;

function runOfJobFromSql(row: Record<string, unknown>): RunOfJob {
  return {
    id: row.id as string,
    jobId: row.jobId as string,
    scheduledFor: sqlDate(row.scheduledFor)!,
    reason: row.reason as string,
    attempt: Number(row.attempt),
    runner: row.runner as string | null,
    startedAt: sqlDate(row.startedAt),
    leaseUntil: sqlDate(row.leaseUntil),
    version: Number(row.version),
    createdAt: sqlDate(row.createdAt)!,
    job: { ownerId: row.jobOwnerId as string | null, name: row.jobName as string, kind: row.jobKind as string, params: row.jobParams as string },
  };
}

/**
 * A manual run waits this long before any process starts it, so "Run now"
 * pressed in several tabs at once (or twice by a double click) finds the run
 * still pending and coalesces into it, even when the run itself would finish
 * before the last of those requests reaches the database.
 */
export const MANUAL_RUN_SETTLE_MS = 750;

const PENDING_RUNS = runsOfJobs(`r."status" = 'pending' AND (r."reason" <> 'manual' OR r."scheduledFor" <= ?)`, "scheduledFor");

/** Runs waiting for a process (manual ones once settled, and catch-up runs), oldest tick first. */
export async function pendingRuns(db: Database, now: Date, limit: number): Promise<RunOfJob[]> {
  const rows = await db.sql.all<Record<string, unknown>>(PENDING_RUNS, new Date(now.getTime() - MANUAL_RUN_SETTLE_MS), limit);
  return rows.map(runOfJobFromSql);
}

const EXPIRED_RUNS = runsOfJobs(`r."status" = 'running' AND r."leaseUntil" < ?`, "leaseUntil");

/** Running runs whose runner stopped renewing the lease (it died, or lost the database). */
export async function expiredRuns(db: Database, now: Date, limit: number): Promise<RunOfJob[]> {
  const rows = await db.sql.all<Record<string, unknown>>(EXPIRED_RUNS, now, limit);
  return rows.map(runOfJobFromSql);
}

const WAKE_TIMES = `SELECT (SELECT MIN("nextRunAt") FROM "job" WHERE "paused" = ? AND "nextRunAt" IS NOT NULL) AS "job",
  (SELECT MIN("leaseUntil") FROM "job_run" WHERE "status" = 'running') AS "lease",
  (SELECT MIN("scheduledFor") FROM "job_run" WHERE "status" = 'pending') AS "pending"`;

/**
 * When the scheduler next has something to do: the earliest tick of an
 * unpaused job, the earliest lease that may expire, or when the earliest
 * pending run may start (catch-up runs: now; manual ones once settled).
 */
export async function nextWakeAt(db: Database, now: Date): Promise<Date | null> {
  const [row] = await db.sql.all<Record<string, unknown>>(WAKE_TIMES, false);
  const pending = sqlDate(row?.pending);
  const settled = pending && new Date(Math.max(now.getTime(), pending.getTime() + MANUAL_RUN_SETTLE_MS));
  const candidates = [sqlDate(row?.job), sqlDate(row?.lease), settled].filter((d): d is Date => d instanceof Date);
  return candidates.length === 0 ? null : new Date(Math.min(...candidates.map((d) => d.getTime())));
}

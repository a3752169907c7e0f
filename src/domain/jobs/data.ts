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

const dueColumns = {
  id: true,
  ownerId: true,
  name: true,
  kind: true,
  schedule: true,
  params: true,
  misfirePolicy: true,
  catchUpLimit: true,
  nextRunAt: true,
  version: true,
} as const;

/** Unpaused jobs whose next tick is due at `now`, earliest first. */
export async function dueJobs(db: Database, now: Date, limit: number): Promise<DueJob[]> {
  const rows = await db.prisma.job.findMany({
    where: { paused: false, nextRunAt: { lte: now } },
    orderBy: { nextRunAt: "asc" },
    take: limit,
    select: dueColumns,
  });
  return rows as DueJob[];
}

/**
 * Whether `due` is still unclaimed and unchanged, by one read without a lock.
 * Only a filter: it saves a losing process the write transaction (on SQLite a
 * wait for the database's one write lock). The claim's own WHERE decides.
 */
export async function stillDue(db: Database, due: DueJob): Promise<boolean> {
  const row = await db.prisma.job.findUnique({ where: { id: due.id }, select: { nextRunAt: true, paused: true, version: true } });
  return row !== null && !row.paused && row.version === due.version && row.nextRunAt?.getTime() === due.nextRunAt.getTime();
}

/** Whether a run is still in the state it was read in (same filter role as stillDue). */
export async function runUnchanged(db: Database, run: RunOfJob, status: "pending" | "running"): Promise<boolean> {
  const row = await db.prisma.jobRun.findUnique({ where: { id: run.id }, select: { status: true, attempt: true, leaseUntil: true } });
  return row !== null && row.status === status && row.attempt === run.attempt && row.leaseUntil?.getTime() === run.leaseUntil?.getTime();
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

const runOfJobColumns = {
  id: true,
  jobId: true,
  scheduledFor: true,
  reason: true,
  attempt: true,
  runner: true,
  startedAt: true,
  leaseUntil: true,
  version: true,
  createdAt: true,
  job: { select: { ownerId: true, name: true, kind: true, params: true } },
} as const;

/**
 * A manual run waits this long before any process starts it, so "Run now"
 * pressed in several tabs at once (or twice by a double click) finds the run
 * still pending and coalesces into it, even when the run itself would finish
 * before the last of those requests reaches the database.
 */
export const MANUAL_RUN_SETTLE_MS = 750;

const startable = (now: Date) => ({
  status: "pending",
  OR: [{ reason: { not: "manual" } }, { scheduledFor: { lte: new Date(now.getTime() - MANUAL_RUN_SETTLE_MS) } }],
});

/** Runs waiting for a process (manual ones once settled, and catch-up runs), oldest tick first. */
export function pendingRuns(db: Database, now: Date, limit: number): Promise<RunOfJob[]> {
  return db.prisma.jobRun.findMany({
    where: startable(now),
    orderBy: { scheduledFor: "asc" },
    take: limit,
    select: runOfJobColumns,
  });
}

/** Running runs whose runner stopped renewing the lease (it died, or lost the database). */
export function expiredRuns(db: Database, now: Date, limit: number): Promise<RunOfJob[]> {
  return db.prisma.jobRun.findMany({
    where: { status: "running", leaseUntil: { lt: now } },
    orderBy: { leaseUntil: "asc" },
    take: limit,
    select: runOfJobColumns,
  });
}

/**
 * When the scheduler next has something to do: the earliest tick of an
 * unpaused job, the earliest lease that may expire, or when the earliest
 * pending run may start (catch-up runs: now; manual ones once settled).
 */
export async function nextWakeAt(db: Database, now: Date): Promise<Date | null> {
  const [job, lease, pending] = await Promise.all([
    db.prisma.job.aggregate({ where: { paused: false, nextRunAt: { not: null } }, _min: { nextRunAt: true } }),
    db.prisma.jobRun.aggregate({ where: { status: "running" }, _min: { leaseUntil: true } }),
    db.prisma.jobRun.aggregate({ where: { status: "pending" }, _min: { scheduledFor: true } }),
  ]);
  const settled = pending._min.scheduledFor && new Date(Math.max(now.getTime(), pending._min.scheduledFor.getTime() + MANUAL_RUN_SETTLE_MS));
  const candidates = [job._min.nextRunAt, lease._min.leaseUntil, settled].filter((d): d is Date => d instanceof Date);
  return candidates.length === 0 ? null : new Date(Math.min(...candidates.map((d) => d.getTime())));
}

import { jobRunViewSchema, jobViewSchema, type JobRunEventPayload, type JobRunStatus, type JobRunView, type JobRuntime, type JobView } from "@/domain/jobs/schema";

/**
 * The trader's jobs and their runs as the Jobs page shows them
 * (docs/decisions/0003-client-cache.md, with one addition for the scheduler).
 *
 * A job's `version` counts the trader's edits: a view with a higher version
 * replaces the entry, a lower one is ignored. The scheduler moves a job's
 * runtime — nextRunAt, lastRunAt, lastStatus — WITHOUT a version bump, and
 * reports it only in `jobRun.*` events, so the runtime needs its own rules:
 *
 * - lastRunAt/lastStatus only move forward ((lastRunAt, running → finished));
 *   edits never touch them, so they are merged "the later wins" from any source.
 * - nextRunAt only moves forward within one version (claims), but an edit can
 *   move it anywhere (pause → none, an earlier schedule). A jobRun event's
 *   nextRunAt is taken only when the event is known to belong to the version
 *   shown: its seq is above the seq that version was seen at. A version known
 *   only from this tab's own response waits for its job.* event; one known
 *   from a read is dated by the highest seq applied before the read was sent.
 * - Runs are versioned rows: the higher version wins.
 *
 * A read (list, first page of runs) that lacks something this tab knew before
 * the read was sent means it was deleted meanwhile; anything learnt after the
 * read was sent is kept. A deleted job is a tombstone that nothing revives.
 */

interface JobEntry {
  view: JobView;
  deleted: boolean;
  /** Seq from which events belong to `view.version` (null: known only from a response, its event still to come). */
  versionSeq: number | null;
  /** The highest event seq reflected in this entry. */
  seq: number;
  /** The store's change counter when this entry was first known. */
  knownSince: number;
}

interface RunEntry {
  run: JobRunView;
  knownSince: number;
}

export interface RunHistory {
  /** The first page arrived. */
  loaded: boolean;
  /** Where the next (older) page starts; null when there is none. */
  nextCursor: string | null;
}

export interface JobsState {
  /** The first list arrived. */
  loaded: boolean;
  /** Live jobs, oldest first (as jobs.list orders them). */
  jobs: readonly JobView[];
  /** Each job's runs, newest tick first. */
  runsByJob: ReadonlyMap<string, readonly JobRunView[]>;
  histories: ReadonlyMap<string, RunHistory>;
}

/** Where a read was sent from: what the tab knew then. */
export interface ReadMark {
  counter: number;
  seq: number;
}

type Listener = () => void;
const NO_RUNS: readonly JobRunView[] = [];

export class JobsStore {
  readonly #jobs = new Map<string, JobEntry>();
  readonly #runs = new Map<string, RunEntry>();
  readonly #histories = new Map<string, RunHistory>();
  readonly #listeners = new Set<Listener>();
  #loaded = false;
  #counter = 0;
  /** The highest seq of a job or jobRun event applied. */
  #seq = 0;
  #state: JobsState | null = null;

  get = (): JobsState => (this.#state ??= this.#snapshot());

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Call just before sending a read; pass the mark to its apply method. */
  beginRead(): ReadMark {
    return { counter: ++this.#counter, seq: this.#seq };
  }

  job(id: string): JobView | undefined {
    const entry = this.#jobs.get(id);
    return entry && !entry.deleted ? entry.view : undefined;
  }

  /** A `jobs.list` result. */
  applyList(mark: ReadMark, views: readonly JobView[]): void {
    const listed = new Set<string>();
    for (const view of views) {
      listed.add(view.id);
      this.#mergeView(view, false, mark);
    }
    for (const [id, entry] of this.#jobs) {
      if (!entry.deleted && !listed.has(id) && entry.knownSince < mark.counter) this.#delete(entry);
    }
    this.#loaded = true;
    this.#changed();
  }

  /** A job from a mutation response or a CONFLICT's `current` (`deleted`: the delete's own response). */
  applyView(view: JobView, deleted = false): void {
    this.#mergeView(view, deleted, null);
    this.#changed();
  }

  /** A `job.*` event: the job as that commit left it. */
  applyJobEvent(seq: number, type: string, view: JobView): void {
    this.#noteSeq(seq);
    const deleted = type === "job.deleted";
    const entry = this.#jobs.get(view.id);
    if (!entry) {
      this.#jobs.set(view.id, { view, deleted: false, versionSeq: seq, seq, knownSince: ++this.#counter });
      if (deleted) this.#delete(this.#jobs.get(view.id)!);
      return this.#changed();
    }
    if (entry.deleted || seq <= entry.seq || view.version < entry.view.version) return;
    if (view.version > entry.view.version) {
      entry.view = view;
    } else {
      // The commit that made the version shown (seen before from a response or a
      // read): its nextRunAt is exact as of `seq`, and later claims follow in order.
      entry.view = { ...entry.view, ...laterLastRun(entry.view, view), nextRunAt: view.nextRunAt };
    }
    entry.versionSeq = seq;
    entry.seq = seq;
    if (deleted) this.#delete(entry);
    if (type === "job.paused" || type === "job.rescheduled") this.#dropPendingCatchUps(view.id);
    this.#changed();
  }

  /** A `jobRun.*` event: the run, and the job's runtime as that commit left it. */
  applyRunEvent(seq: number, payload: JobRunEventPayload): void {
    this.#noteSeq(seq);
    this.#mergeRun(payload.run);
    const entry = this.#jobs.get(payload.job.id);
    if (entry && !entry.deleted && seq > entry.seq) {
      const sameVersion = entry.versionSeq !== null && seq > entry.versionSeq;
      entry.view = { ...entry.view, ...laterLastRun(entry.view, payload.job), ...(sameVersion && { nextRunAt: payload.job.nextRunAt }) };
      entry.seq = seq;
    }
    this.#changed();
  }

  /** A run from a mutation response ("Run now"). */
  applyRun(run: JobRunView): void {
    this.#mergeRun(run);
    this.#changed();
  }

  /**
   * A page of `jobs.runs`. The first page (no cursor) also drops runs known
   * before the read that fall in its range but are not in it (pending
   * catch-ups that an edit removed).
   */
  applyRunsPage(jobId: string, mark: ReadMark, page: { runs: readonly JobRunView[]; nextCursor: string | null }, cursor?: string): void {
    const entry = this.#jobs.get(jobId);
    if (entry?.deleted) return;
    const listed = new Set(page.runs.map((run) => run.id));
    for (const run of page.runs) this.#mergeRun(run);
    if (cursor === undefined) {
      const oldest = page.nextCursor === null ? -Infinity : Math.min(...page.runs.map((run) => run.scheduledFor.getTime()));
      for (const [id, known] of this.#runs) {
        if (known.run.jobId === jobId && !listed.has(id) && known.knownSince < mark.counter && known.run.scheduledFor.getTime() >= oldest) this.#runs.delete(id);
      }
    }
    const history = this.#histories.get(jobId);
    // A refetched first page leaves the cursor of deeper pages already loaded.
    const nextCursor = cursor === undefined && history?.loaded ? history.nextCursor : page.nextCursor;
    this.#histories.set(jobId, { loaded: true, nextCursor });
    this.#changed();
  }

  #mergeView(view: JobView, deleted: boolean, read: ReadMark | null): void {
    const entry = this.#jobs.get(view.id);
    if (!entry) {
      const versionSeq = read ? read.seq : null;
      const created: JobEntry = { view, deleted: false, versionSeq, seq: read?.seq ?? 0, knownSince: ++this.#counter };
      this.#jobs.set(view.id, created);
      if (deleted) this.#delete(created);
      return;
    }
    if (entry.deleted || view.version < entry.view.version) return;
    if (view.version > entry.view.version) {
      entry.view = view;
      entry.versionSeq = read ? read.seq : null;
    } else {
      // Two views of one version: every runtime field only moves forward within it.
      entry.view = { ...entry.view, ...laterLastRun(entry.view, view), nextRunAt: laterNextRun(entry.view.nextRunAt, view.nextRunAt) };
      if (read && entry.versionSeq === null) entry.versionSeq = read.seq;
    }
    if (read) entry.seq = Math.max(entry.seq, read.seq);
    if (deleted) this.#delete(entry);
  }

  #mergeRun(run: JobRunView): void {
    if (this.#jobs.get(run.jobId)?.deleted) return;
    const known = this.#runs.get(run.id);
    if (known && known.run.version >= run.version) return;
    this.#runs.set(run.id, { run, knownSince: known?.knownSince ?? ++this.#counter });
  }

  #delete(entry: JobEntry): void {
    entry.deleted = true;
    for (const [id, known] of this.#runs) if (known.run.jobId === entry.view.id) this.#runs.delete(id);
    this.#histories.delete(entry.view.id);
  }

  /** Mirrors the server: pausing or rescheduling drops catch-up runs not yet started (without events). */
  #dropPendingCatchUps(jobId: string): void {
    for (const [id, { run }] of this.#runs) if (run.jobId === jobId && run.status === "pending" && run.reason === "catchUp") this.#runs.delete(id);
  }

  #noteSeq(seq: number): void {
    if (seq > this.#seq) this.#seq = seq;
  }

  #changed(): void {
    this.#state = null;
    for (const listener of [...this.#listeners]) listener();
  }

  #snapshot(): JobsState {
    const jobs = [...this.#jobs.values()]
      .filter((entry) => !entry.deleted)
      .map((entry) => entry.view)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const runsByJob = new Map<string, JobRunView[]>();
    for (const { run } of this.#runs.values()) {
      const runs = runsByJob.get(run.jobId) ?? [];
      runs.push(run);
      runsByJob.set(run.jobId, runs);
    }
    for (const runs of runsByJob.values()) runs.sort((a, b) => b.scheduledFor.getTime() - a.scheduledFor.getTime());
    return { loaded: this.#loaded, jobs, runsByJob, histories: new Map(this.#histories) };
  }
}

export function createJobsStore(): JobsStore {
  return new JobsStore();
}

export const runsOf = (state: JobsState, jobId: string): readonly JobRunView[] => state.runsByJob.get(jobId) ?? NO_RUNS;

const rank = (status: JobRunStatus | null) => (status === null ? -1 : status === "running" || status === "pending" ? 0 : 1);

/** The later of two (lastRunAt, lastStatus) pairs: a later start, or the same start finished. */
export function laterLastRun(a: Pick<JobRuntime, "lastRunAt" | "lastStatus">, b: Pick<JobRuntime, "lastRunAt" | "lastStatus">): Pick<JobRuntime, "lastRunAt" | "lastStatus"> {
  const at = (x: typeof a) => x.lastRunAt?.getTime() ?? -Infinity;
  const later = at(b) > at(a) || (at(b) === at(a) && rank(b.lastStatus) > rank(a.lastStatus)) ? b : a;
  return { lastRunAt: later.lastRunAt, lastStatus: later.lastStatus };
}

/** Within one version nextRunAt only moves forward, and none (the schedule ended, or paused) is the last state. */
export function laterNextRun(a: Date | null, b: Date | null): Date | null {
  if (a === null || b === null) return null;
  return b > a ? b : a;
}

function withDates(raw: unknown, fields: readonly string[]): unknown {
  if (!raw || typeof raw !== "object") return raw;
  const copy: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const field of fields) if (typeof copy[field] === "string") copy[field] = new Date(copy[field] as string);
  return copy;
}

/** A JobView from any source (a CONFLICT's details may carry dates as strings), or null when it is not one. */
export function toJobView(raw: unknown): JobView | null {
  const parsed = jobViewSchema.safeParse(withDates(raw, ["nextRunAt", "lastRunAt", "createdAt", "updatedAt"]));
  return parsed.success ? parsed.data : null;
}

export function toJobRunView(raw: unknown): JobRunView | null {
  const parsed = jobRunViewSchema.safeParse(withDates(raw, ["scheduledFor", "leaseUntil", "startedAt", "finishedAt", "createdAt"]));
  return parsed.success ? parsed.data : null;
}

import os from "node:os";
import type { Database } from "@/db/client";
import type { NotificationListener } from "@/db/notify";
import { dueJobs, expiredRuns, nextWakeAt, pendingRuns, runUnchanged, stillDue, type DueJob } from "@/domain/jobs/data";
import {
  claimDueJob,
  claimDueJobs,
  ensureSystemJob,
  finishRun,
  JOBS_CHANGED,
  PG_JOBS_CHANNEL,
  releaseLeases,
  renewLease,
  startPendingRun,
  takeOverRun,
  triggerSystemJob,
  type HeldRun,
  type RunOutcome,
  type SystemJobDefinition,
} from "@/domain/jobs/mutations";
import { MISFIRE_GRACE_MS } from "@/domain/jobs/lib/schedule";
import { isJobKind, JOB_KINDS } from "@/domain/jobs/schema";
import type { ApiKeyCipher } from "@/domain/providers/lib/api-key-cipher";
import type { JobHandler, JobHandlers } from "./handler";
import { HANDLERS } from "./kinds";
import { KEY_ROTATION_JOB, SYSTEM_JOBS } from "./system-jobs";

export interface SchedulerOptions {
  db: Database;
  apiKeys: ApiKeyCipher;
  handlers?: JobHandlers;
  /** The clock (tests drive a fake one); default: the system clock. */
  now?: () => Date;
  /** Default "host:pid". */
  runner?: string;
  /** How long a run is held without renewal; renewed every third of it. Default JOB_LEASE_MS or 30 s. */
  leaseMs?: number;
  /** Runners lost before a run is abandoned instead of taken over again. */
  maxAttempts?: number;
  /**
   * The longest sleep. Other processes' changes wake this one through
   * LISTEN/NOTIFY on PostgreSQL; on SQLite they can only be seen by polling, so
   * the sleep is capped at 1 s there (JOB_POLL_MS overrides both).
   */
  pollCapMs?: number;
  misfireGraceMs?: number;
  systemJobs?: readonly SystemJobDefinition[];
  /** Due jobs / pending runs / expired runs read per pass. */
  batch?: number;
  /** How long stop() lets running handlers finish before releasing their leases to other processes. */
  stopGraceMs?: number;
  /**
   * Claim transactions in flight at once in this process (default 1). More let one process
   * claim different owners' jobs in parallel on PostgreSQL, but processes that
   * fire together then race for the same jobs before the read-first filter can
   * tell them apart: measured with 4 processes, 20 jobs a second, on two CPUs,
   * 4 made lateness worse (p99 > 4 s against 1.2 s), so it is off by default.
   */
  claimConcurrency?: number;
  /** Due jobs of one owner claimed in one transaction (default CLAIM_BATCH). */
  claimBatch?: number;
}

/**
 * A herd of one owner's jobs due together serializes on that owner's write lock
 * (and on SQLite on the file's one write lock): one transaction per claim paid a
 * lock hand-off and a commit per job. A batch pays them once; it also holds the
 * owner's lock for its whole length, so it stays small.
 */
const CLAIM_BATCH = 20;
const RESULT_MAX_CHARS = 4_000;
const ERROR_MAX_CHARS = 1_000;
const RETRY_AFTER_ERROR_MS = 1_000;

/**
 * The scheduler loop every server process runs (and `npm run worker`). Each
 * pass takes over expired runs, claims due ticks, starts pending runs — every
 * one of them a conditional write, so processes racing for the same tick
 * settle in the database — and then sleeps until the earliest nextRunAt or
 * lease expiry, woken early by job changes (this process's commits; other
 * processes' through NOTIFY on PostgreSQL; polling on SQLite).
 */
export class JobScheduler {
  readonly runner: string;
  readonly #db: Database;
  readonly #apiKeys: ApiKeyCipher;
  readonly #handlers: JobHandlers;
  readonly #now: () => Date;
  readonly #leaseMs: number;
  readonly #maxAttempts: number;
  readonly #pollCapMs: number;
  readonly #graceMs: number;
  readonly #systemJobs: readonly SystemJobDefinition[];
  readonly #batch: number;
  readonly #stopGraceMs: number;
  readonly #claimConcurrency: number;
  readonly #claimBatch: number;
  readonly #running = new Map<string, { held: HeldRun; abort: AbortController; done: Promise<void> }>();
  #stopped = false;
  #changed = false;
  #wakeSleeper: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #listener: NotificationListener | null = null;
  readonly #onChange = () => this.wake();

  constructor(options: SchedulerOptions) {
    this.#db = options.db;
    this.#apiKeys = options.apiKeys;
    this.#handlers = options.handlers ?? HANDLERS;
    this.#now = options.now ?? (() => new Date());
    this.runner = options.runner ?? `${os.hostname()}:${process.pid}`;
    this.#leaseMs = options.leaseMs ?? Number(process.env.JOB_LEASE_MS ?? 30_000);
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#pollCapMs = options.pollCapMs ?? Number(process.env.JOB_POLL_MS ?? (options.db.provider === "sqlite" ? 1_000 : 10_000));
    this.#graceMs = options.misfireGraceMs ?? MISFIRE_GRACE_MS;
    this.#systemJobs = options.systemJobs ?? SYSTEM_JOBS;
    this.#batch = options.batch ?? 100;
    this.#stopGraceMs = options.stopGraceMs ?? 2_000;
    this.#claimConcurrency = options.claimConcurrency ?? 1;
    this.#claimBatch = options.claimBatch ?? Number(process.env.JOB_CLAIM_BATCH ?? CLAIM_BATCH);
  }

  /** Registers the system jobs and starts the loop (it keeps retrying while the database is unreachable). */
  start(): void {
    this.#db.bus.on(JOBS_CHANGED, this.#onChange);
    this.#loop = this.#run();
  }

  /** Wakes the loop now (a local change that may move the earliest due time). */
  wake(): void {
    this.#changed = true;
    this.#wakeSleeper?.();
  }

  /**
   * One pass: take over expired runs, claim due ticks, start pending runs.
   * Handlers run in the background (see `idle`). Returns how many runs this
   * process started.
   */
  async pass(): Promise<number> {
    this.#changed = false;
    let started = 0;
    const clock = () => ({ now: this.#now(), runner: this.runner, leaseMs: this.#leaseMs });

    for (const expired of await expiredRuns(this.#db, this.#now(), this.#batch)) {
      if (this.#running.has(expired.id)) continue; // our own handler is still on it; it will learn from its renewal
      if (!(await runUnchanged(this.#db, expired, "running"))) continue;
      const held = await this.#attempt(() => takeOverRun(this.#db, expired, clock(), this.#maxAttempts));
      if (held) started += this.#execute(held);
    }

    // Shuffled: processes that read the same due list go after different jobs
    // first, so fewer of them queue behind one job's claim only to lose it.
    const due = shuffle(await dueJobs(this.#db, this.#now(), this.#batch));
    await eachConcurrently(ownerBatches(due, this.#claimBatch), this.#claimConcurrency, async (jobs) => {
      if (this.#stopped) return;
      // A read first: most of the jobs this process reaches late were claimed by another one meanwhile.
      const still: DueJob[] = [];
      for (const job of jobs) if (await stillDue(this.#db, job)) still.push(job);
      if (still.length === 0) return;
      let outcomes = await this.#attempt(() => claimDueJobs(this.#db, still, clock(), this.#graceMs));
      // A failed batch wrote nothing: one by one, so one job's failure holds up no other.
      if (!outcomes && still.length > 1) {
        outcomes = [];
        for (const job of still) outcomes.push((await this.#attempt(() => claimDueJob(this.#db, job, clock(), this.#graceMs))) ?? { claimed: false, held: null });
      }
      for (const outcome of outcomes ?? []) if (outcome.held) started += this.#execute(outcome.held);
    });

    const pending = await pendingRuns(this.#db, this.#now(), this.#batch);
    await eachConcurrently(pending, this.#claimConcurrency, async (run) => {
      if (this.#stopped) return;
      if (!(await runUnchanged(this.#db, run, "pending"))) return;
      const held = await this.#attempt(() => startPendingRun(this.#db, run, clock()));
      if (held) started += this.#execute(held);
    });
    if (due.length === this.#batch || pending.length === this.#batch) this.#changed = true; // more to do: no sleep
    return started;
  }

  /** Resolves when every handler this process started has finished and recorded its outcome. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()].map((entry) => entry.done));
  }

  /** The runs this process holds right now. */
  heldRuns(): HeldRun[] {
    return [...this.#running.values()].map((entry) => entry.held);
  }

  /**
   * Stops claiming, gives running handlers `stopGraceMs` to finish, then
   * aborts the rest and releases their leases so another process takes them
   * over at once.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#db.bus.off(JOBS_CHANGED, this.#onChange);
    this.#wakeSleeper?.();
    await this.#loop;
    await this.#listener?.close();
    const finished = this.idle();
    await Promise.race([finished, delay(this.#stopGraceMs)]);
    const left = [...this.#running.values()];
    if (left.length === 0) return;
    for (const entry of left) entry.abort.abort(new Error("the scheduler is stopping"));
    // Handlers stop at their next check of the signal; release only then (bounded), so a
    // takeover elsewhere does not run beside a handler that is still finishing here.
    await Promise.race([Promise.all(left.map((entry) => entry.done)), delay(this.#stopGraceMs)]);
    await releaseLeases(this.#db, left.map((entry) => entry.held.run), this.#now()).catch((error) => log(`could not release leases (${message(error)}); they run out instead`));
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.#setUp();
        break;
      } catch (error) {
        log(`could not start (${message(error)}); retrying`);
        await this.#sleep(RETRY_AFTER_ERROR_MS);
      }
    }
    while (!this.#stopped) {
      try {
        await this.pass();
        if (this.#stopped || this.#changed) continue;
        const now = this.#now();
        const wakeAt = await nextWakeAt(this.#db, now);
        const untilDue = wakeAt === null ? this.#pollCapMs : wakeAt.getTime() - now.getTime();
        await this.#sleep(Math.min(Math.max(untilDue, 0), this.#pollCapMs));
      } catch (error) {
        log(`pass interrupted (${message(error)}); retrying`);
        await this.#sleep(RETRY_AFTER_ERROR_MS);
      }
    }
  }

  async #setUp(): Promise<void> {
    for (const definition of this.#systemJobs) await ensureSystemJob(this.#db, definition, this.#now());
    if (!this.#listener) this.#listener = await this.#db.listen(PG_JOBS_CHANNEL, () => this.wake());
    // A process started with previous provider-key secrets rotates soon, not at the next hourly tick.
    if (this.#apiKeys.rotating && this.#systemJobs.some((job) => job.name === KEY_ROTATION_JOB)) {
      await triggerSystemJob(this.#db, KEY_ROTATION_JOB, this.#now());
    }
  }

  /** Sleeps up to `ms`, or until woken; returns at once if a change arrived since the last pass began. */
  #sleep(ms: number): Promise<void> {
    if (this.#changed || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeSleeper = () => {
        this.#wakeSleeper = null;
        done();
      };
    });
  }

  /** A claim/start/takeover that failed (the database stayed busy) is logged and retried on a later pass. */
  async #attempt<T>(write: () => Promise<T>): Promise<T | null> {
    try {
      return await write();
    } catch (error) {
      log(`${this.runner}: ${message(error)}`);
      return null;
    }
  }

  /** Runs the handler in the background, renewing the lease until it ends. */
  #execute(held: HeldRun): 1 {
    const abort = new AbortController();
    const renewEvery = Math.max(100, Math.floor(this.#leaseMs / 3));
    const renewal = setInterval(() => {
      renewLease(this.#db, held.run, new Date(this.#now().getTime() + this.#leaseMs)).then(
        (held) => {
          if (!held) abort.abort(new Error("this runner lost the run (taken over, abandoned or deleted)"));
        },
        () => {}, // transient: the next renewal tries again; the lease covers two misses
      );
    }, renewEvery);
    renewal.unref();
    const done = (async () => {
      let outcome: RunOutcome;
      try {
        const result = await this.#handle(held, abort.signal);
        outcome = { status: "succeeded", result: boundedResult(result) };
      } catch (error) {
        outcome = { status: "failed", error: message(error).slice(0, ERROR_MAX_CHARS) };
      } finally {
        clearInterval(renewal);
      }
      // Lost or stopping: the run's new runner (or the takeover after release) records it.
      if (abort.signal.aborted) return;
      try {
        await finishRun(this.#db, held, outcome, this.#now());
      } catch (error) {
        // Not recorded: the lease runs out and another process runs the tick again (at least once).
        log(`could not record run ${held.run.id} (${message(error)}); its lease will run out and another process runs it again`);
      }
    })().finally(() => this.#running.delete(held.run.id));
    this.#running.set(held.run.id, { held, abort, done });
    return 1;
  }

  async #handle(held: HeldRun, signal: AbortSignal): Promise<unknown> {
    const { job, run } = held;
    if (!isJobKind(job.kind)) throw new Error(`no handler for kind "${job.kind}"`);
    const params = JOB_KINDS[job.kind].params.parse(job.params);
    const handler = this.#handlers[job.kind] as JobHandler<typeof params>;
    return handler({ db: this.#db, apiKeys: this.#apiKeys, job, params, run, signal, now: this.#now });
  }
}

function boundedResult(result: unknown): string | null {
  if (result === undefined || result === null) return null;
  const text = JSON.stringify(result);
  return text.length <= RESULT_MAX_CHARS ? text : JSON.stringify({ truncated: true, chars: text.length });
}

async function eachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** `due` in batches of at most `size` jobs of one owner, in the order each batch's first job comes. */
function ownerBatches(due: readonly DueJob[], size: number): DueJob[][] {
  const batches: DueJob[][] = [];
  const open = new Map<string | null, DueJob[]>();
  for (const job of due) {
    let batch = open.get(job.ownerId);
    if (!batch || batch.length >= size) {
      batch = [];
      open.set(job.ownerId, batch);
      batches.push(batch);
    }
    batch.push(job);
  }
  return batches;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const log = (text: string) => console.error(`[scheduler] ${text}`);

import { beforeEach, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { eventsAfter } from "@/domain/events/data";
import { dueJobs, nextWakeAt } from "@/domain/jobs/data";
import { MANUAL_RUN_SETTLE_MS } from "@/domain/jobs/data";
import { claimDueJob, registerJob, triggerJob } from "@/domain/jobs/mutations";
import { JOB_KIND_NAMES, type JobRunView } from "@/domain/jobs/schema";
import type { JobHandler } from "@/worker/jobs/handler";
import { HANDLERS } from "@/worker/jobs/kinds";
import { JobScheduler } from "@/worker/jobs/scheduler";
import { describeWithApp } from "../../harness/app";
import { together } from "../../harness/barrier";

/**
 * The scheduler in-process on a controllable clock: DST and time zones,
 * misfire policies, takeover after a lost lease, and the claim's guards (with
 * negative controls). The clock only moves when the test moves it; lease
 * renewals run on real timers every leaseMs / 3, so with a one-hour lease they
 * never fire here and a run "dies" simply by the clock passing its lease.
 */

const HOUR = 3_600_000;
const ALL_KINDS = { kinds: JOB_KIND_NAMES };

class FakeClock {
  constructor(public ms: number) {}
  now = () => new Date(this.ms);
  set(iso: string) {
    this.ms = Date.parse(iso);
  }
}

interface Recorded {
  jobId: string;
  scheduledFor: Date;
  reason: string;
  runner: string;
}

function recordingScheduler(db: Database, clock: FakeClock, options: { runner?: string; sleep?: JobHandler<{ ms: number; fail: boolean }> } = {}) {
  const runs: Recorded[] = [];
  const sleep: JobHandler<{ ms: number; fail: boolean }> =
    options.sleep ??
    (async ({ job, run }) => {
      runs.push({ jobId: job.id, scheduledFor: run.scheduledFor, reason: run.reason, runner: run.runner ?? "" });
      return { ok: true };
    });
  const scheduler = new JobScheduler({
    db,
    apiKeys: { rotating: false } as never,
    handlers: { ...HANDLERS, sleep },
    now: clock.now,
    runner: options.runner ?? "test-runner",
    leaseMs: HOUR,
    systemJobs: [],
  });
  return { scheduler, runs };
}

/** Moves the clock from wake-up to wake-up (as the loop would), running every pass, until `until`. */
async function runUntil(db: Database, clock: FakeClock, scheduler: JobScheduler, until: string) {
  const end = Date.parse(until);
  for (let guard = 0; guard < 10_000; guard++) {
    await scheduler.pass();
    await scheduler.idle();
    const wake = await nextWakeAt(db, clock.now());
    if (wake === null || wake.getTime() > end) {
      clock.ms = end;
      await scheduler.pass();
      await scheduler.idle();
      return;
    }
    clock.ms = Math.max(clock.ms, wake.getTime());
  }
  throw new Error("runUntil: too many passes");
}

const londonDay = (d: Date) => d.toLocaleDateString("en-CA", { timeZone: "Europe/London" });

describeWithApp("the job scheduler on a controllable clock on %s", (app) => {
  // Every scheduler sees every job in the database: each test starts from none.
  beforeEach(() => app.services.db.prisma.job.deleteMany({}));

  it("a daily 01:30 Europe/London job runs exactly once on the spring-forward day and on the fall-back day", async () => {
    const db = app.services.db;
    const userId = await app.createUser();
    for (const [from, until, changeDay, expectedUtc] of [
      ["2026-03-27T12:00:00Z", "2026-03-31T00:00:00Z", "2026-03-29", "2026-03-29T01:00:00.000Z"], // 01:30 does not exist: 02:00 BST
      ["2026-10-23T12:00:00Z", "2026-10-27T00:00:00Z", "2026-10-25", "2026-10-25T00:30:00.000Z"], // 01:30 happens twice: the first (BST)
    ] as const) {
      const clock = new FakeClock(Date.parse(from));
      const job = await registerJob(
        db,
        userId,
        { name: `london ${changeDay}`, kind: "sleep", schedule: { cron: "0 30 1 * * *", timeZone: "Europe/London" } },
        { ...ALL_KINDS, now: clock.now() },
      );
      const { scheduler, runs } = recordingScheduler(db, clock);
      await runUntil(db, clock, scheduler, until);
      const mine = runs.filter((r) => r.jobId === job.id);
      const perDay = new Map<string, string[]>();
      for (const run of mine) perDay.set(londonDay(run.scheduledFor), [...(perDay.get(londonDay(run.scheduledFor)) ?? []), run.scheduledFor.toISOString()]);
      expect([...perDay.values()].map((list) => list.length)).toEqual([1, 1, 1]);
      expect(perDay.get(changeDay)).toEqual([expectedUtc]);
      expect(mine.every((r) => r.reason === "schedule")).toBe(true);
      console.log(`[jobs scheduler ${app.database.kind}] London 01:30 around ${changeDay}: ${mine.map((r) => r.scheduledFor.toISOString()).join(", ")}`);
    }
  });

  it("0 0 8 * * * in America/New_York lands at 13:00 UTC before and 12:00 UTC after the spring change, and back in autumn", async () => {
    const db = app.services.db;
    const userId = await app.createUser();
    const cases = [
      ["2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z", ["2026-03-06T13:00:00.000Z", "2026-03-07T13:00:00.000Z", "2026-03-08T12:00:00.000Z", "2026-03-09T12:00:00.000Z"]],
      ["2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z", ["2026-10-30T12:00:00.000Z", "2026-10-31T12:00:00.000Z", "2026-11-01T13:00:00.000Z", "2026-11-02T13:00:00.000Z"]],
    ] as const;
    for (const [from, until, expected] of cases) {
      const clock = new FakeClock(Date.parse(from));
      const job = await registerJob(
        db,
        userId,
        { name: `new york ${from}`, kind: "sleep", schedule: { cron: "0 0 8 * * *", timeZone: "America/New_York" } },
        { ...ALL_KINDS, now: clock.now() },
      );
      const { scheduler, runs } = recordingScheduler(db, clock);
      await runUntil(db, clock, scheduler, until);
      expect(runs.filter((r) => r.jobId === job.id).map((r) => r.scheduledFor.toISOString())).toEqual(expected);
    }
  });

  it("misfire policies after every process was down: skip runs none of the missed ticks, runOnce the latest, catchUp the latest N", async () => {
    const db = app.services.db;
    const userId = await app.createUser();
    const clock = new FakeClock(Date.parse("2026-06-01T09:00:00.500Z"));
    const register = (name: string, misfirePolicy: { policy: "skip" | "runOnce" | "catchUp"; maxRuns?: number }) =>
      registerJob(db, userId, { name, kind: "sleep", schedule: { everySeconds: 60 }, misfirePolicy }, { ...ALL_KINDS, now: clock.now() });
    const skip = await register("skip", { policy: "skip" });
    const once = await register("runOnce", { policy: "runOnce" });
    const catchUp = await register("catchUp", { policy: "catchUp", maxRuns: 3 });
    const { scheduler, runs } = recordingScheduler(db, clock);
    await runUntil(db, clock, scheduler, "2026-06-01T09:02:30Z"); // ticks 09:01 and 09:02 on time
    // Every process down from 09:02:30 to 09:12:30.2: ticks 09:03 … 09:12 (10) are missed.
    clock.set("2026-06-01T09:12:30.200Z");
    await scheduler.pass();
    await scheduler.idle();
    await scheduler.pass(); // the catch-up runs waiting as pending
    await scheduler.idle();
    await runUntil(db, clock, scheduler, "2026-06-01T09:14:30Z");
    const ticks = (jobId: string) => runs.filter((r) => r.jobId === jobId).map((r) => `${r.scheduledFor.toISOString().slice(11, 16)} ${r.reason}`);
    expect(ticks(skip.id)).toEqual(["09:01 schedule", "09:02 schedule", "09:13 schedule", "09:14 schedule"]);
    expect(ticks(once.id)).toEqual(["09:01 schedule", "09:02 schedule", "09:12 catchUp", "09:13 schedule", "09:14 schedule"]);
    expect(ticks(catchUp.id)).toEqual(["09:01 schedule", "09:02 schedule", "09:10 catchUp", "09:11 catchUp", "09:12 catchUp", "09:13 schedule", "09:14 schedule"]);
  });

  it("a tick claimed late but within the grace runs as scheduled; one claimed a whole grace late is a misfire", async () => {
    const db = app.services.db;
    const userId = await app.createUser();
    const clock = new FakeClock(Date.parse("2026-06-02T10:00:00.000Z"));
    const job = await registerJob(db, userId, { name: "late", kind: "sleep", schedule: { everySeconds: 10 }, misfirePolicy: { policy: "skip" } }, { ...ALL_KINDS, now: clock.now() });
    const { scheduler, runs } = recordingScheduler(db, clock);
    clock.set("2026-06-02T10:00:14.900Z"); // the 10:00:10 tick, 4.9 s late
    await scheduler.pass();
    await scheduler.idle();
    clock.set("2026-06-02T10:00:25.100Z"); // the 10:00:20 tick, 5.1 s late: missed, skipped
    await scheduler.pass();
    await scheduler.idle();
    expect(runs.filter((r) => r.jobId === job.id).map((r) => r.scheduledFor.toISOString())).toEqual(["2026-06-02T10:00:10.000Z"]);
    const stored = await db.prisma.job.findUniqueOrThrow({ where: { id: job.id }, select: { nextRunAt: true, version: true } });
    expect(stored).toEqual({ nextRunAt: new Date("2026-06-02T10:00:30.000Z"), version: 1 });
  });

  it("a run whose lease expired is taken over by another process; the first runner's late result is discarded", async () => {
    const db = app.services.db;
    const userId = await app.createUser();
    const clock = new FakeClock(Date.parse("2026-06-03T08:00:00.000Z"));
    const job = await registerJob(db, userId, { name: "long", kind: "sleep", schedule: { everySeconds: 86_400 } }, { ...ALL_KINDS, now: clock.now() });
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = recordingScheduler(db, clock, {
      runner: "host-a:1",
      sleep: async () => {
        await firstHolds;
        return { by: "a" };
      },
    });
    const second = recordingScheduler(db, clock, { runner: "host-b:2" });
    clock.set("2026-06-04T00:00:00.000Z");
    expect(await first.scheduler.pass()).toBe(1);
    expect(await second.scheduler.pass()).toBe(0); // the tick is claimed; the lease holds
    clock.ms += HOUR + 1; // runner A stopped renewing (it "died")
    expect(await second.scheduler.pass()).toBe(1);
    await second.scheduler.idle();
    releaseFirst();
    await first.scheduler.idle();
    const rows = await db.prisma.jobRun.findMany({ where: { jobId: job.id }, select: { scheduledFor: true, status: true, attempt: true, reason: true, runner: true, result: true } });
    expect(rows).toEqual([
      { scheduledFor: new Date("2026-06-04T00:00:00.000Z"), status: "succeeded", attempt: 2, reason: "takeover", runner: "host-b:2", result: JSON.stringify({ ok: true }) },
    ]);
    const events = (await eventsAfter(db, userId, 0)).filter((e) => e.entity === "jobRun").map((e) => `${e.type} ${(e.payload as { run: JobRunView }).run.runner}`);
    expect(events).toEqual(["jobRun.started host-a:1", "jobRun.started host-b:2", "jobRun.finished host-b:2"]);
  });

  it("after maxAttempts lost runners a run is abandoned, not taken over again", async () => {
    const db = app.services.db;
    const userId = await app.createUser();
    const clock = new FakeClock(Date.parse("2026-06-04T08:00:00.000Z"));
    const job = await registerJob(db, userId, { name: "doomed", kind: "sleep", schedule: { everySeconds: 86_400 } }, { ...ALL_KINDS, now: clock.now() });
    const never = new Promise<never>(() => {});
    const schedulers = ["a:1", "b:2", "c:3", "d:4"].map((runner) => recordingScheduler(db, clock, { runner, sleep: () => never }).scheduler);
    clock.set("2026-06-05T00:00:00.000Z");
    for (const scheduler of schedulers) {
      await scheduler.pass();
      clock.ms += HOUR + 1;
    }
    const rows = await db.prisma.jobRun.findMany({ where: { jobId: job.id }, select: { status: true, attempt: true, error: true } });
    expect(rows).toEqual([{ status: "abandoned", attempt: 3, error: "abandoned: 3 runner(s) lost it (last c:3)" }]);
    const stored = await db.prisma.job.findUniqueOrThrow({ where: { id: job.id }, select: { lastStatus: true } });
    expect(stored.lastStatus).toBe("abandoned");
  });

  it("a pending manual run is started by exactly one of several schedulers, and runs on a paused job", async () => {
    const db = app.services.db;
    const userId = await app.createUser();
    const clock = new FakeClock(Date.parse("2026-06-05T08:00:00.000Z"));
    const job = await registerJob(db, userId, { name: "manual", kind: "sleep", schedule: { everySeconds: 3600 }, paused: true }, { ...ALL_KINDS, now: clock.now() });
    const run = await triggerJob(db, userId, { id: job.id }, { now: clock.now() });
    expect(run.scheduledFor.getTime() % 1000).not.toBe(0); // never on a whole second, where ticks live
    const fleet = Array.from({ length: 4 }, (_, i) => recordingScheduler(db, clock, { runner: `r${i}` }));
    // Within the settle window no process starts it (further triggers still coalesce into it)…
    expect((await Promise.all(fleet.map((f) => f.scheduler.pass()))).reduce((a, b) => a + b, 0)).toBe(0);
    expect(await triggerJob(db, userId, { id: job.id }, { now: new Date(clock.ms + MANUAL_RUN_SETTLE_MS - 1) })).toEqual(run);
    // …then exactly one does.
    clock.ms = run.scheduledFor.getTime() + MANUAL_RUN_SETTLE_MS;
    const started = await Promise.all(fleet.map((f) => f.scheduler.pass()));
    await Promise.all(fleet.map((f) => f.scheduler.idle()));
    expect(started.reduce((a, b) => a + b, 0)).toBe(1);
    expect(fleet.flatMap((f) => f.runs).map((r) => [r.scheduledFor.getTime(), r.reason])).toEqual([[run.scheduledFor.getTime(), "manual"]]);
  });

  it("the claim's guards: 10 concurrent claims of one tick make one run; without the WHERE precondition only the unique key stops them, and without both the tick runs 10 times (negative controls)", async () => {
    const db = app.services.db;
    const userId = await app.createUser();
    const clock = new FakeClock(Date.parse("2026-06-06T08:00:00.000Z"));
    const CLAIMERS = 10;

    async function dueTick(name: string) {
      const job = await registerJob(db, userId, { name, kind: "sleep", schedule: { everySeconds: 60 } }, { ...ALL_KINDS, now: clock.now() });
      const due = (await dueJobs(db, new Date(clock.ms + 60_000), 1000)).find((d) => d.id === job.id)!;
      return due;
    }
    const runsOf = (jobId: string) => db.prisma.jobRun.count({ where: { jobId } });
    const at = () => ({ now: new Date(clock.ms + 60_000), runner: "claimer", leaseMs: HOUR });

    /** The claim with its WHERE precondition removed: moves nextRunAt and inserts the run unconditionally. */
    async function unguardedClaim(due: Awaited<ReturnType<typeof dueTick>>) {
      await db.transaction(async (tx) => {
        await tx.job.updateMany({ where: { id: due.id }, data: { nextRunAt: new Date(due.nextRunAt.getTime() + 60_000) } });
        await tx.jobRun.create({
          data: { id: crypto.randomUUID(), jobId: due.id, scheduledFor: due.nextRunAt, reason: "schedule", status: "running", attempt: 1, runner: "x", createdAt: new Date() },
          select: { id: true },
        });
      });
    }

    // The real claim: exactly one wins, the others change nothing.
    const guarded = await dueTick("guarded");
    const outcomes = await together(CLAIMERS, () => claimDueJob(db, guarded, at()));
    expect(outcomes.filter((o) => o.status === "fulfilled" && o.value.claimed).length).toBe(1);
    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    expect(await runsOf(guarded.id)).toBe(1);

    // Negative control 1: no WHERE precondition — every claimer gets to the insert; the unique key refuses all but one.
    const noWhere = await dueTick("no where");
    const refused = await together(CLAIMERS, () => unguardedClaim(noWhere));
    expect(refused.filter((o) => o.status === "rejected").map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(Array(CLAIMERS - 1).fill("P2002"));
    expect(await runsOf(noWhere.id)).toBe(1);

    // Negative control 2: without the unique key as well, the tick runs once per claimer.
    await db.prisma.$executeRawUnsafe(`DROP INDEX "job_run_jobId_scheduledFor_key"`);
    const unguarded = await dueTick("unguarded");
    await together(CLAIMERS, () => unguardedClaim(unguarded));
    const doubles = await runsOf(unguarded.id);
    expect(doubles).toBe(CLAIMERS);

    // And the WHERE precondition alone (no unique key) still makes exactly one run.
    const whereOnly = await dueTick("where only");
    await together(CLAIMERS, () => claimDueJob(db, whereOnly, at()));
    expect(await runsOf(whereOnly.id)).toBe(1);
    await db.prisma.jobRun.deleteMany({ where: { jobId: unguarded.id } });
    await db.prisma.$executeRawUnsafe(`CREATE UNIQUE INDEX "job_run_jobId_scheduledFor_key" ON "job_run"("jobId", "scheduledFor")`);
    console.log(
      `[jobs scheduler ${app.database.kind}] ${CLAIMERS} concurrent claims of one tick: guarded → 1 run; no WHERE → 1 run + ${CLAIMERS - 1} unique-key refusals; no WHERE and no unique key → ${doubles} runs`,
    );
  });
});

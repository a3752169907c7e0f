import { describe, expect, it, vi } from "vitest";
import type { JobRunView, JobView } from "@/domain/jobs/schema";
import { JobsStore, laterLastRun, runsOf, toJobView } from "./store";

const t = (s: number) => new Date(Date.UTC(2026, 0, 5, 8, 0, s));
const created = new Date("2026-01-01T00:00:00Z");

function job(version: number, fields: Partial<JobView> = {}): JobView {
  return {
    id: "j1",
    name: "Digest",
    kind: "digest",
    schedule: { everySeconds: 10 },
    params: { periodHours: 24 },
    paused: false,
    misfirePolicy: { policy: "runOnce" },
    nextRunAt: t(10),
    lastRunAt: null,
    lastStatus: null,
    version,
    createdAt: created,
    updatedAt: created,
    ...fields,
  };
}

function run(id: string, version: number, fields: Partial<JobRunView> = {}): JobRunView {
  return {
    id,
    jobId: "j1",
    scheduledFor: t(0),
    reason: "schedule",
    status: "running",
    attempt: 1,
    runner: "host:1",
    leaseUntil: null,
    startedAt: t(0),
    finishedAt: null,
    error: null,
    result: null,
    version,
    createdAt: t(0),
    ...fields,
  };
}

const runtime = (nextRunAt: Date | null, lastRunAt: Date | null, lastStatus: JobView["lastStatus"]) => ({ id: "j1", nextRunAt, lastRunAt, lastStatus });
const shown = (store: JobsStore) => store.get().jobs[0];

describe("JobsStore: jobs by version", () => {
  it("a higher version replaces, a lower one (a late read or event) never does", () => {
    const store = new JobsStore();
    store.applyList(store.beginRead(), [job(1)]);
    store.applyView(job(3, { paused: true, nextRunAt: null }));
    store.applyJobEvent(5, "job.resumed", job(2));
    store.applyList(store.beginRead(), [job(2)]);
    expect(shown(store)).toMatchObject({ version: 3, paused: true, nextRunAt: null });
  });

  it("a deleted job stays deleted: neither a late event nor a late read brings it back, and its runs go", () => {
    const store = new JobsStore();
    const before = store.beginRead();
    store.applyJobEvent(1, "job.registered", job(1));
    store.applyRunEvent(2, { run: run("r1", 1), job: runtime(t(10), t(0), "running") });
    store.applyView(job(2), true);
    expect(store.get().jobs).toEqual([]);
    store.applyJobEvent(3, "job.paused", job(2, { paused: true }));
    store.applyList(before, [job(1)]);
    store.applyRunEvent(4, { run: run("r1", 2, { status: "succeeded" }), job: runtime(t(20), t(0), "succeeded") });
    expect(store.get().jobs).toEqual([]);
    expect(runsOf(store.get(), "j1")).toEqual([]);
  });

  it("a read that lacks a job known before it was sent means deleted; one learnt after the read was sent is kept", () => {
    const store = new JobsStore();
    store.applyJobEvent(1, "job.registered", job(1));
    const read = store.beginRead();
    store.applyJobEvent(2, "job.registered", job(1, { id: "j2", name: "Other" }));
    store.applyList(read, []);
    expect(store.get().jobs.map((j) => j.id)).toEqual(["j2"]);
    expect(store.get().loaded).toBe(true);
  });

  it("lists oldest first, as jobs.list does", () => {
    const store = new JobsStore();
    store.applyJobEvent(2, "job.registered", job(1, { id: "b", createdAt: t(5) }));
    store.applyJobEvent(1, "job.registered", job(1, { id: "a", createdAt: t(1) }));
    expect(store.get().jobs.map((j) => j.id)).toEqual(["a", "b"]);
  });
});

describe("JobsStore: the runtime the scheduler moves without a version", () => {
  it("follows jobRun events of the version shown: next run, last run and its status", () => {
    const store = new JobsStore();
    store.applyJobEvent(1, "job.registered", job(1));
    store.applyRunEvent(2, { run: run("r1", 1, { scheduledFor: t(10) }), job: runtime(t(20), t(10), "running") });
    expect(shown(store)).toMatchObject({ version: 1, nextRunAt: t(20), lastRunAt: t(10), lastStatus: "running" });
    store.applyRunEvent(3, { run: run("r1", 2, { scheduledFor: t(10), status: "succeeded" }), job: runtime(t(20), t(10), "succeeded") });
    expect(shown(store)).toMatchObject({ nextRunAt: t(20), lastStatus: "succeeded" });
  });

  it("a replayed (older) jobRun event changes nothing", () => {
    const store = new JobsStore();
    store.applyJobEvent(1, "job.registered", job(1));
    store.applyRunEvent(2, { run: run("r1", 1), job: runtime(t(20), t(10), "running") });
    store.applyRunEvent(3, { run: run("r1", 2, { status: "succeeded" }), job: runtime(t(20), t(10), "succeeded") });
    store.applyRunEvent(2, { run: run("r1", 1), job: runtime(t(20), t(10), "running") });
    expect(shown(store)).toMatchObject({ lastStatus: "succeeded" });
    expect(runsOf(store.get(), "j1")[0]).toMatchObject({ status: "succeeded", version: 2 });
  });

  it("this tab's reschedule answered before older claims arrive: their nextRunAt is not shown, the reschedule's event settles it", () => {
    const store = new JobsStore();
    store.applyJobEvent(1, "job.registered", job(1, { nextRunAt: t(50) }));
    // At 08:00:52, a reschedule to every 5 s: its response comes back first...
    store.applyView(job(2, { schedule: { everySeconds: 5 }, nextRunAt: t(55) }));
    // ...then the 08:00:50 claim, committed BEFORE the reschedule, arrives with version 1's next tick.
    store.applyRunEvent(2, { run: run("r1", 1, { scheduledFor: t(50) }), job: runtime(t(100), t(50), "running") });
    expect(shown(store)).toMatchObject({ version: 2, nextRunAt: t(55), lastRunAt: t(50), lastStatus: "running" });
    store.applyJobEvent(3, "job.rescheduled", job(2, { schedule: { everySeconds: 5 }, nextRunAt: t(55) }));
    expect(shown(store)).toMatchObject({ nextRunAt: t(55), lastRunAt: t(50) });
    // From here on the version's own claims move it.
    store.applyRunEvent(4, { run: run("r2", 1, { scheduledFor: t(55) }), job: runtime(t(60), t(55), "running") });
    expect(shown(store)).toMatchObject({ nextRunAt: t(60), lastRunAt: t(55), lastStatus: "running" });
  });

  it("pause answered first: a claim committed before it does not bring a next run back", () => {
    const store = new JobsStore();
    store.applyJobEvent(1, "job.registered", job(1));
    store.applyView(job(2, { paused: true, nextRunAt: null }));
    store.applyRunEvent(2, { run: run("r1", 1, { scheduledFor: t(10) }), job: runtime(t(20), t(10), "running") });
    expect(shown(store)).toMatchObject({ paused: true, nextRunAt: null, lastStatus: "running" });
    store.applyJobEvent(3, "job.paused", job(2, { paused: true, nextRunAt: null }));
    expect(shown(store)).toMatchObject({ paused: true, nextRunAt: null });
  });

  it("a job known from a read follows the events after the read", () => {
    const store = new JobsStore();
    store.applyRunEvent(7, { run: run("r0", 1), job: runtime(t(10), t(0), "running") });
    store.applyList(store.beginRead(), [job(4, { nextRunAt: t(10), lastRunAt: t(0), lastStatus: "running" })]);
    store.applyRunEvent(8, { run: run("r1", 1, { scheduledFor: t(10) }), job: runtime(t(20), t(10), "running") });
    expect(shown(store)).toMatchObject({ version: 4, nextRunAt: t(20), lastRunAt: t(10) });
  });

  it("two reads of one version: each runtime field keeps the later value", () => {
    const store = new JobsStore();
    store.applyList(store.beginRead(), [job(1, { nextRunAt: t(30), lastRunAt: t(20), lastStatus: "succeeded" })]);
    store.applyList(store.beginRead(), [job(1, { nextRunAt: t(20), lastRunAt: t(10), lastStatus: "running" })]);
    expect(shown(store)).toMatchObject({ nextRunAt: t(30), lastRunAt: t(20), lastStatus: "succeeded" });
  });

  it("laterLastRun: a later start wins; at the same start, finished beats running", () => {
    expect(laterLastRun({ lastRunAt: t(1), lastStatus: "succeeded" }, { lastRunAt: t(2), lastStatus: "running" })).toEqual({ lastRunAt: t(2), lastStatus: "running" });
    expect(laterLastRun({ lastRunAt: t(2), lastStatus: "running" }, { lastRunAt: t(2), lastStatus: "failed" })).toEqual({ lastRunAt: t(2), lastStatus: "failed" });
    expect(laterLastRun({ lastRunAt: t(2), lastStatus: "failed" }, { lastRunAt: t(2), lastStatus: "running" })).toEqual({ lastRunAt: t(2), lastStatus: "failed" });
    expect(laterLastRun({ lastRunAt: t(2), lastStatus: "failed" }, { lastRunAt: null, lastStatus: null })).toEqual({ lastRunAt: t(2), lastStatus: "failed" });
  });
});

describe("JobsStore: runs", () => {
  it("keeps each run's highest version, newest tick first, from responses, events and pages in any order", () => {
    const store = new JobsStore();
    store.applyJobEvent(1, "job.registered", job(1));
    const read = store.beginRead();
    store.applyRun(run("m", 1, { scheduledFor: t(3), reason: "manual", status: "pending", runner: null, attempt: 0 }));
    store.applyRunEvent(2, { run: run("m", 2, { scheduledFor: t(3), reason: "manual" }), job: runtime(t(10), t(3), "running") });
    store.applyRunsPage("j1", read, { runs: [run("old", 2, { status: "succeeded" })], nextCursor: null });
    store.applyRun(run("m", 1, { scheduledFor: t(3), reason: "manual", status: "pending" }));
    expect(runsOf(store.get(), "j1").map((r) => [r.id, r.version, r.status])).toEqual([
      ["m", 2, "running"],
      ["old", 2, "succeeded"],
    ]);
    expect(store.get().histories.get("j1")).toEqual({ loaded: true, nextCursor: null });
  });

  it("a first page drops runs known before it that it lacks in its range (pending catch-ups an edit removed)", () => {
    const store = new JobsStore();
    store.applyJobEvent(1, "job.registered", job(1));
    store.applyRun(run("gone", 1, { scheduledFor: t(4), status: "pending", reason: "catchUp" }));
    store.applyRun(run("deep", 2, { scheduledFor: t(1), status: "succeeded" }));
    const read = store.beginRead();
    store.applyRun(run("new", 1, { scheduledFor: t(9), reason: "manual", status: "pending" }));
    store.applyRunsPage("j1", read, { runs: [run("kept", 2, { scheduledFor: t(5) }), run("page-end", 2, { scheduledFor: t(2) })], nextCursor: String(t(2).getTime()) });
    expect(runsOf(store.get(), "j1").map((r) => r.id)).toEqual(["new", "kept", "page-end", "deep"]);
  });

  it("pause and reschedule events drop pending catch-up runs, as the server does", () => {
    const store = new JobsStore();
    store.applyJobEvent(1, "job.registered", job(1));
    store.applyRun(run("c", 1, { status: "pending", reason: "catchUp" }));
    store.applyRun(run("m", 1, { status: "pending", reason: "manual", scheduledFor: t(1) }));
    store.applyJobEvent(2, "job.paused", job(2, { paused: true, nextRunAt: null }));
    expect(runsOf(store.get(), "j1").map((r) => r.id)).toEqual(["m"]);
  });

  it("notifies on every accepted change with a new snapshot", () => {
    const store = new JobsStore();
    const listener = vi.fn();
    store.subscribe(listener);
    const first = store.get();
    store.applyJobEvent(1, "job.registered", job(1));
    expect(listener).toHaveBeenCalled();
    expect(store.get()).not.toBe(first);
    expect(store.get()).toBe(store.get());
  });
});

describe("toJobView", () => {
  it("reads a CONFLICT's current job with dates as strings, and refuses other shapes", () => {
    const json = JSON.parse(JSON.stringify(job(4)));
    expect(toJobView(json)).toEqual(job(4));
    expect(toJobView({ ...json, version: "4" })).toBeNull();
    expect(toJobView(null)).toBeNull();
  });
});

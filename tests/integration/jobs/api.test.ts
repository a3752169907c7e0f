import { beforeEach, expect, it } from "vitest";
import { MANUAL_RUN_SETTLE_MS } from "@/domain/jobs/data";
import { eventsAfter } from "@/domain/events/data";
import { parseEventPayload } from "@/domain/events/schema";
import { ensureSystemJob } from "@/domain/jobs/mutations";
import type { JobView } from "@/domain/jobs/schema";
import { errorData } from "@/server/trpc/errors";
import { HANDLERS } from "@/worker/jobs/kinds";
import { JobScheduler } from "@/worker/jobs/scheduler";
import { SYSTEM_JOBS } from "@/worker/jobs/system-jobs";
import { describeWithApp, rejection } from "../../harness/app";

/** The jobs procedures through the real router (no HTTP): contract, validation, versions, events, digest delivery. */

const daily = { cron: "0 0 8 * * *", timeZone: "Europe/London" };
const requestId = () => `req-${crypto.randomUUID()}`;

describeWithApp("jobs API on %s", (app) => {
  beforeEach(() => app.services.db.prisma.job.deleteMany({}));

  async function trader() {
    const userId = await app.createUser();
    return { userId, api: app.callerFor(userId) };
  }
  const eventTypes = async (userId: string) => (await eventsAfter(app.services.db, userId, 0)).map((e) => e.type);

  it("jobs.kinds lists the trader kinds with their params' JSON Schema, never the system or internal ones", async () => {
    const { api } = await trader();
    const kinds = await api.jobs.kinds();
    expect(kinds.map((k) => k.kind)).toEqual(["digest"]);
    expect(kinds[0]!.description).toMatch(/summary/);
    expect(kinds[0]!.paramsSchema).toMatchObject({ type: "object", properties: { periodHours: { type: "integer", minimum: 1, maximum: 168, default: 24 } } });
  });

  it("register → list → get; the view, the event and nextRunAt of a cron job in its time zone", async () => {
    const { userId, api } = await trader();
    const before = Date.now();
    const job = await api.jobs.register({ name: " Morning digest ", kind: "digest", schedule: daily, params: { periodHours: 12 } });
    expect(job).toMatchObject({
      name: "Morning digest",
      kind: "digest",
      schedule: daily,
      params: { periodHours: 12 },
      paused: false,
      misfirePolicy: { policy: "runOnce" },
      lastRunAt: null,
      lastStatus: null,
      version: 1,
    });
    // The next 08:00 in London, in the future.
    expect(job.nextRunAt!.getTime()).toBeGreaterThan(before);
    expect(job.nextRunAt!.toLocaleTimeString("en-GB", { timeZone: "Europe/London" })).toBe("08:00:00");
    expect(await api.jobs.list()).toEqual([job]);
    expect(await api.jobs.get({ id: job.id })).toEqual(job);
    const [event] = await eventsAfter(app.services.db, userId, 0);
    expect(event!.type).toBe("job.registered");
    expect(parseEventPayload("job.registered", event!.payload)).toEqual(job);
    const every = await api.jobs.register({ name: "every", kind: "digest", schedule: { everySeconds: 30 }, misfirePolicy: { policy: "catchUp" } });
    expect(every.misfirePolicy).toEqual({ policy: "catchUp", maxRuns: 10 });
    expect(every.params).toEqual({ periodHours: 24 });
    expect(every.nextRunAt!.getTime() % 30_000).toBe(0);
  });

  it("bad cron, time zone, kind or params → BAD_REQUEST naming the field, nothing written", async () => {
    const { userId, api } = await trader();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ schedule: { cron: "61 * * * * *" } }, "schedule.cron"],
      [{ schedule: { cron: "0 0 0 30 2 *" } }, "schedule.cron"], // never fires
      [{ schedule: { cron: "* * * *" } }, "schedule.cron"],
      [{ schedule: { cron: "0 8 * * *", timeZone: "Mars/Olympus" } }, "schedule.timeZone"],
      [{ schedule: { everySeconds: 0 } }, "schedule.everySeconds"],
      [{ schedule: { everySeconds: 10, cron: "* * * * *" } }, "schedule.cron"],
      [{ schedule: {} }, "schedule.cron"],
      [{ kind: "teleport" }, "kind"],
      [{ kind: "event-retention" }, "kind"], // a system kind
      [{ kind: "sleep" }, "kind"], // an internal kind
      [{ params: { periodHours: 0 } }, "params.periodHours"],
      [{ params: { periodHours: "24" } }, "params.periodHours"],
      [{ params: { extra: true } }, "params"],
      [{ misfirePolicy: { policy: "catchUp", maxRuns: 101 } }, "misfirePolicy.maxRuns"],
      [{ misfirePolicy: { policy: "skip", maxRuns: 3 } }, "misfirePolicy.maxRuns"],
      [{ name: "" }, "name"],
      [{ name: "x".repeat(81) }, "name"],
    ];
    for (const [change, field] of cases) {
      const error = await rejection(api.jobs.register({ name: "bad", kind: "digest", schedule: daily, ...change } as never));
      expect(error.code, JSON.stringify(change)).toBe("BAD_REQUEST");
      expect(Object.keys(errorData(error.cause).fieldErrors ?? {}), JSON.stringify(change)).toContain(field);
    }
    expect(await api.jobs.list()).toEqual([]);
    expect(await eventTypes(userId)).toEqual([]);
  });

  it("stale expectedVersion → CONFLICT with the current job; another user's id and an unknown id → the same NOT_FOUND", async () => {
    const { api } = await trader();
    const other = await trader();
    const job = await api.jobs.register({ name: "j", kind: "digest", schedule: daily });
    const paused = await api.jobs.pause({ id: job.id, expectedVersion: 1 });
    expect(paused).toMatchObject({ paused: true, nextRunAt: null, version: 2 });
    for (const call of [
      () => api.jobs.resume({ id: job.id, expectedVersion: 1 }),
      () => api.jobs.updateSchedule({ id: job.id, schedule: { everySeconds: 60 }, expectedVersion: 1 }),
      () => api.jobs.update({ id: job.id, name: "k", expectedVersion: 1 }),
      () => api.jobs.delete({ id: job.id, expectedVersion: 1 }),
    ]) {
      const error = await rejection(call());
      expect(error.code).toBe("CONFLICT");
      expect((error.cause as unknown as { details: { current: JobView } }).details.current).toEqual(paused);
    }
    const foreign = await rejection(other.api.jobs.get({ id: job.id }));
    const unknown = await rejection(other.api.jobs.get({ id: "no-such-job" }));
    expect([foreign.code, unknown.code]).toEqual(["NOT_FOUND", "NOT_FOUND"]);
    expect(foreign.message.replace(job.id, "ID")).toBe(unknown.message.replace("no-such-job", "ID"));
    for (const call of [
      () => other.api.jobs.pause({ id: job.id }),
      () => other.api.jobs.trigger({ id: job.id }),
      () => other.api.jobs.runs({ id: job.id }),
      () => other.api.jobs.delete({ id: job.id }),
    ]) {
      expect((await rejection(call())).code).toBe("NOT_FOUND");
    }
    expect(await api.jobs.get({ id: job.id })).toEqual(paused);
  });

  it("pause, resume, updateSchedule, update and delete: one version and one event per change; names unique per owner", async () => {
    const { userId, api } = await trader();
    const job = await api.jobs.register({ name: "a", kind: "digest", schedule: daily });
    await api.jobs.register({ name: "b", kind: "digest", schedule: daily });
    const paused = await api.jobs.pause({ id: job.id });
    const resumed = await api.jobs.resume({ id: job.id });
    expect(resumed).toMatchObject({ paused: false, version: 3 });
    expect(resumed.nextRunAt).not.toBeNull();
    const rescheduled = await api.jobs.updateSchedule({ id: job.id, schedule: { everySeconds: 3600 } });
    expect(rescheduled).toMatchObject({ schedule: { everySeconds: 3600 }, version: 4 });
    expect(rescheduled.nextRunAt!.getTime() % 3_600_000).toBe(0);
    const taken = await rejection(api.jobs.update({ id: job.id, name: "b" }));
    expect(taken.code).toBe("CONFLICT");
    expect((taken.cause as unknown as { details: { current: JobView } }).details.current.name).toBe("b");
    const renamed = await api.jobs.update({ id: job.id, name: "a2", params: { periodHours: 2 }, misfirePolicy: { policy: "skip" } });
    expect(renamed).toMatchObject({ name: "a2", params: { periodHours: 2 }, misfirePolicy: { policy: "skip" }, version: 5 });
    expect((await rejection(api.jobs.update({ id: job.id, params: { periodHours: 500 } }))).code).toBe("BAD_REQUEST");
    const deleted = await api.jobs.delete({ id: job.id, expectedVersion: 5 });
    expect(deleted.version).toBe(6);
    expect((await rejection(api.jobs.get({ id: job.id }))).code).toBe("NOT_FOUND");
    const types = await eventTypes(userId);
    expect(types).toEqual(["job.registered", "job.registered", "job.paused", "job.resumed", "job.rescheduled", "job.updated", "job.deleted"]);
    expect(paused.version).toBe(2);
  });

  it("trigger: a pending manual run every caller gets until it starts; runs pages newest first; requestId replays change nothing", async () => {
    const { userId, api } = await trader();
    const job = await api.jobs.register({ name: "t", kind: "digest", schedule: daily });
    const id = requestId();
    const first = await api.jobs.trigger({ id: job.id, requestId: id });
    expect(first).toMatchObject({ jobId: job.id, reason: "manual", status: "pending", attempt: 0, runner: null, version: 1 });
    expect(await api.jobs.trigger({ id: job.id, requestId: id })).toEqual(first);
    expect(await api.jobs.trigger({ id: job.id })).toEqual(first);
    // Once it started, a new trigger makes a new run.
    await app.services.db.prisma.jobRun.update({ where: { id: first.id }, data: { status: "succeeded" } });
    const runs = [first];
    for (let i = 0; i < 4; i++) {
      const run = await api.jobs.trigger({ id: job.id });
      await app.services.db.prisma.jobRun.update({ where: { id: run.id }, data: { status: "succeeded" } });
      runs.push(run);
    }
    expect(new Set(runs.map((r) => r.scheduledFor.getTime())).size).toBe(5);
    const page1 = await api.jobs.runs({ id: job.id, limit: 3 });
    const page2 = await api.jobs.runs({ id: job.id, limit: 3, cursor: page1.nextCursor! });
    expect([...page1.runs, ...page2.runs].map((r) => r.id)).toEqual(runs.map((r) => r.id).reverse());
    expect(page2.nextCursor).toBeNull();
    expect((await eventTypes(userId)).filter((t) => t === "jobRun.requested")).toHaveLength(5);
    const pauseId = requestId();
    const paused = await api.jobs.pause({ id: job.id, requestId: pauseId });
    expect(await api.jobs.pause({ id: job.id, requestId: pauseId })).toEqual(paused);
    expect((await eventTypes(userId)).filter((t) => t === "job.paused")).toHaveLength(1);
  });

  it("system jobs are registered idempotently and never listed or reachable by traders", async () => {
    const { api } = await trader();
    for (let i = 0; i < 2; i++) for (const definition of SYSTEM_JOBS) await ensureSystemJob(app.services.db, definition);
    const system = await app.services.db.prisma.job.findMany({ where: { ownerKey: "system" }, select: { id: true, name: true, ownerId: true } });
    expect(system.map((j) => j.name).sort()).toEqual(SYSTEM_JOBS.map((j) => j.name).sort());
    expect(system.map((j) => j.name)).toEqual(expect.arrayContaining(["event-retention", "provider-key-rotation", "receipt-pruning"]));
    expect(system.every((j) => j.ownerId === null)).toBe(true);
    expect(await api.jobs.list()).toEqual([]);
    expect((await rejection(api.jobs.get({ id: system[0]!.id }))).code).toBe("NOT_FOUND");
    expect((await rejection(api.jobs.trigger({ id: system[0]!.id }))).code).toBe("NOT_FOUND");
  });

  it("a digest run delivers digest.delivered with the owner's changes of the period, once, and records the run", async () => {
    const { userId, api } = await trader();
    await api.settings.set({ key: "theme", value: "dark" });
    await api.settings.set({ key: "theme", value: "light" });
    await api.settings.set({ key: "watchlist", value: ["AAPL"] });
    await api.profile.update({ patch: { displayName: "Ada" } });
    const job = await api.jobs.register({ name: "digest", kind: "digest", schedule: daily, params: { periodHours: 1 } });
    const run = await api.jobs.trigger({ id: job.id });
    // A scheduler whose clock is past the manual run's settle window.
    const settled = () => new Date(Date.now() + MANUAL_RUN_SETTLE_MS);
    const scheduler = new JobScheduler({ db: app.services.db, apiKeys: app.services.apiKeys, handlers: HANDLERS, systemJobs: [], runner: "digest-test", now: settled });
    expect(await scheduler.pass()).toBe(1);
    await scheduler.idle();
    const [stored] = (await api.jobs.runs({ id: job.id })).runs;
    expect(stored).toMatchObject({ id: run.id, status: "succeeded", attempt: 1, runner: "digest-test", result: { changes: 4 }, error: null });
    const events = await eventsAfter(app.services.db, userId, 0);
    const delivered = events.filter((e) => e.type === "digest.delivered");
    expect(delivered).toHaveLength(1);
    expect(parseEventPayload("digest.delivered", delivered[0]!.payload)).toMatchObject({
      jobId: job.id,
      runId: run.id,
      changes: 4,
      settings: [
        { key: "theme", changes: 2 },
        { key: "watchlist", changes: 1 },
      ],
      profile: [{ field: "displayName", changes: 1 }],
      providerSwitches: [],
    });
    expect(events.map((e) => e.type).slice(-4)).toEqual(["jobRun.requested", "jobRun.started", "digest.delivered", "jobRun.finished"]);
    expect((await api.jobs.get({ id: job.id })).lastStatus).toBe("succeeded");
  });
});

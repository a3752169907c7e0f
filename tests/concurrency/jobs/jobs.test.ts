import { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { eventsAfter } from "@/domain/events/data";
import type { JobView } from "@/domain/jobs/schema";
import { describeWithApp } from "../../harness/app";
import { together } from "../../harness/barrier";

/**
 * The original registry's regression suite (a dict guarded by a lock it never
 * took), each case released by a barrier: registrations that vanished,
 * pause/resume racing, schedule updates racing, triggers racing, same-name
 * registrations racing. Here the registry is the database.
 */

const REGISTRATIONS = 50;
const TOGGLE_CLIENTS = 5;
const TOGGLES = 20;
const RESCHEDULERS = 10;
const TRIGGERS = 10;
const SAME_NAME = 10;

const daily = { cron: "0 0 8 * * *", timeZone: "Europe/London" };

function fulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  expect(rejected.map((r) => String(r.reason))).toEqual([]);
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

describeWithApp("jobs under concurrency on %s", (app, kind) => {
  async function trader() {
    const userId = await app.createUser();
    return { userId, api: app.callerFor(userId) };
  }
  const jobEvents = async (userId: string) => (await eventsAfter(app.services.db, userId, 0, 10_000)).filter((e) => e.entity === "job" || e.entity === "jobRun");

  it(`${REGISTRATIONS} concurrent registrations with distinct names: all listed, each exactly once`, async () => {
    const { userId, api } = await trader();
    const acks = fulfilled(await together(REGISTRATIONS, (i) => api.jobs.register({ name: `job-${i}`, kind: "digest", schedule: { everySeconds: 60 + i } })));
    const list = await api.jobs.list();
    expect(list.map((j) => j.name).sort()).toEqual(acks.map((j) => j.name).sort());
    expect(new Set(list.map((j) => j.id)).size).toBe(REGISTRATIONS);
    expect(list.every((j) => j.version === 1)).toBe(true);
    const events = await jobEvents(userId);
    expect(events.map((e) => e.type)).toEqual(Array(REGISTRATIONS).fill("job.registered"));
    expect(new Set(events.map((e) => e.entityId))).toEqual(new Set(list.map((j) => j.id)));
  });

  it(`${TOGGLE_CLIENTS} clients × ${TOGGLES} pause/resume toggles: no deadlock, the last committed toggle holds, one event per change, version = changes`, async () => {
    const { userId, api } = await trader();
    const job = await api.jobs.register({ name: "toggled", kind: "digest", schedule: { everySeconds: 60 } });
    const acks = fulfilled(
      await together(TOGGLE_CLIENTS, async (client) => {
        const seen: JobView[] = [];
        for (let k = 0; k < TOGGLES; k++) seen.push((client + k) % 2 === 0 ? await api.jobs.pause({ id: job.id }) : await api.jobs.resume({ id: job.id }));
        return seen;
      }),
    ).flat();
    const changes = TOGGLE_CLIENTS * TOGGLES;
    const stored = await api.jobs.get({ id: job.id });
    const events = (await jobEvents(userId)).slice(1);
    expect(events).toHaveLength(changes);
    expect(stored.version).toBe(1 + changes);
    // Every acknowledged write has its own version, and its event carries that version.
    expect(new Set(acks.map((a) => a.version)).size).toBe(changes);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: changes }, (_, i) => i + 2));
    const last = events.at(-1)!;
    expect(stored.paused).toBe(last.type === "job.paused");
    expect(stored.nextRunAt === null).toBe(stored.paused);
    expect(last.payload).toEqual(stored);
  });

  it(`${RESCHEDULERS} concurrent updateSchedule on one job: the stored schedule and nextRunAt are those of the highest version`, async () => {
    const { userId, api } = await trader();
    const job = await api.jobs.register({ name: "rescheduled", kind: "digest", schedule: daily });
    const acks = fulfilled(await together(RESCHEDULERS, (i) => api.jobs.updateSchedule({ id: job.id, schedule: { everySeconds: 100 + i } })));
    const stored = await api.jobs.get({ id: job.id });
    expect(stored.version).toBe(1 + RESCHEDULERS);
    const highest = acks.reduce((a, b) => (a.version > b.version ? a : b));
    expect(highest.version).toBe(stored.version);
    expect({ schedule: stored.schedule, nextRunAt: stored.nextRunAt }).toEqual({ schedule: highest.schedule, nextRunAt: highest.nextRunAt });
    const events = (await jobEvents(userId)).filter((e) => e.type === "job.rescheduled");
    expect(events).toHaveLength(RESCHEDULERS);
    expect(events.at(-1)!.payload).toEqual(stored);

    // With expectedVersion, exactly one of the racing updates wins.
    const versioned = await together(RESCHEDULERS, (i) =>
      api.jobs.updateSchedule({ id: job.id, schedule: { everySeconds: 200 + i }, expectedVersion: stored.version }),
    );
    const winners = versioned.filter((r) => r.status === "fulfilled");
    const conflicts = versioned.filter((r) => r.status === "rejected" && (r.reason as TRPCError).code === "CONFLICT");
    expect([winners.length, conflicts.length]).toEqual([1, RESCHEDULERS - 1]);
  });

  it(`${TRIGGERS} concurrent triggers: exactly one run, and every caller gets it`, async () => {
    const { userId, api } = await trader();
    const job = await api.jobs.register({ name: "triggered", kind: "digest", schedule: daily });
    const runs = fulfilled(await together(TRIGGERS, () => api.jobs.trigger({ id: job.id })));
    expect(new Set(runs.map((r) => r.id)).size).toBe(1);
    expect(runs.every((r) => r.status === "pending" && r.reason === "manual")).toBe(true);
    expect(await app.services.db.prisma.jobRun.count({ where: { jobId: job.id } })).toBe(1);
    expect((await jobEvents(userId)).filter((e) => e.type === "jobRun.requested")).toHaveLength(1);
  });

  it("the partial unique index holds one pending manual run per job even if the application tried to add a second", async () => {
    const { api } = await trader();
    const job = await api.jobs.register({ name: "guarded", kind: "digest", schedule: daily });
    const run = await api.jobs.trigger({ id: job.id });
    const second = app.services.db.prisma.jobRun.create({
      data: { id: crypto.randomUUID(), jobId: job.id, scheduledFor: new Date(run.scheduledFor.getTime() + 1), reason: "manual", status: "pending", createdAt: new Date() },
      select: { id: true },
    });
    await expect(second).rejects.toMatchObject({ code: "P2002" });
  });

  it(`${SAME_NAME} concurrent registrations of one name: one created, ${SAME_NAME - 1} CONFLICT with it`, async () => {
    const { userId, api } = await trader();
    const results = await together(SAME_NAME, (i) => api.jobs.register({ name: "the one", kind: "digest", schedule: { everySeconds: 60 + i } }));
    const created = results.filter((r): r is PromiseFulfilledResult<JobView> => r.status === "fulfilled").map((r) => r.value);
    const conflicts = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(created).toHaveLength(1);
    expect(conflicts.map((r) => (r.reason as TRPCError).code)).toEqual(Array(SAME_NAME - 1).fill("CONFLICT"));
    for (const conflict of conflicts) expect(((conflict.reason as TRPCError).cause as unknown as { details: { current: JobView } }).details.current).toEqual(created[0]);
    expect((await api.jobs.list()).map((j) => j.id)).toEqual([created[0]!.id]);
    expect((await jobEvents(userId)).map((e) => e.type)).toEqual(["job.registered"]);
    console.log(`[jobs concurrency ${kind}] ${SAME_NAME} same-name registrations: 1 created, ${conflicts.length} CONFLICT`);
  });
});

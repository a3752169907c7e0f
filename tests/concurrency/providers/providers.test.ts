import { expect, it } from "vitest";
import { eventsAfter } from "@/domain/events/data";
import type { ProviderEventPayload, ProviderView } from "@/domain/providers/schema";
import { describeWithApp } from "../../harness/app";
import { together } from "../../harness/barrier";

const ADDERS = 12;
const ADD_USERS = 5;
const ACTIVATORS = 12;
const ACTIVATE_ROUNDS = 50;
const RACE_ROUNDS = 30;
const READERS = 3;

const key = (n: number | string) => `sk-concurrency-${n}-0123456789`;
const activeIds = (list: ProviderView[]) => list.filter((p) => p.isActive).map((p) => p.id);

function expectAllFulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  expect(rejected.map((r) => String(r.reason))).toEqual([]);
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** Lists in a loop until `done()`; every observation of a non-empty list must have exactly one active. */
async function readUntil(read: () => Promise<ProviderView[]>, done: () => boolean) {
  const observations: number[] = [];
  while (!done()) observations.push(activeIds(await read()).length);
  return observations;
}

describeWithApp("providers under concurrency on %s", (app, kind) => {
  it(`${ADDERS} concurrent adds for a user with no providers: all created, exactly one active (${ADD_USERS} users)`, async () => {
    for (let u = 0; u < ADD_USERS; u++) {
      const userId = await app.createUser();
      const api = app.callerFor(userId);
      const added = expectAllFulfilled(
        await together(ADDERS, (i) => api.providers.add({ name: `P${i}`, model: "m", apiKey: key(i) })),
      );
      expect(added.filter((p) => p.isActive)).toHaveLength(1);
      const list = await api.providers.list();
      expect(list).toHaveLength(ADDERS);
      expect(new Set(list.map((p) => p.name)).size).toBe(ADDERS);
      // The one that reported active is the one that is active, and it committed first.
      expect(activeIds(list)).toEqual(added.filter((p) => p.isActive).map((p) => p.id));
      const events = await eventsAfter(app.services.db, userId, 0);
      expect(events.map((e) => e.type)).toEqual(Array(ADDERS).fill("provider.added"));
      expect(events[0]!.entityId).toBe(activeIds(list)[0]);
    }
  });

  it(`${ACTIVATORS} concurrent setActive calls × ${ACTIVATE_ROUNDS} rounds: one active, the last committed`, async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const providers: ProviderView[] = [];
    for (let i = 0; i < ACTIVATORS; i++) providers.push(await api.providers.add({ name: `P${i}`, model: "m", apiKey: key(i) }));
    let cursor = (await eventsAfter(app.services.db, userId, 0)).at(-1)!.seq;
    let readerObservations = 0;

    for (let round = 0; round < ACTIVATE_ROUNDS; round++) {
      let writing = true;
      const readers = Array.from({ length: READERS }, () => readUntil(() => api.providers.list(), () => !writing));
      const results = await together(ACTIVATORS, (i) => api.providers.setActive({ id: providers[i]!.id }));
      writing = false;
      const seen = (await Promise.all(readers)).flat();
      readerObservations += seen.length;
      expect(seen.filter((count) => count !== 1)).toEqual([]);

      const acks = expectAllFulfilled(results);
      expect(acks.every((a) => a.isActive)).toBe(true);
      const roundEvents = await eventsAfter(app.services.db, userId, cursor);
      cursor = roundEvents.at(-1)!.seq;
      expect(roundEvents.map((e) => e.type)).toEqual(Array(ACTIVATORS).fill("provider.activated"));
      expect(new Set(roundEvents.map((e) => e.entityId)).size).toBe(ACTIVATORS);
      const lastCommitted = roundEvents.at(-1)!.entityId;
      const list = await api.providers.list();
      expect(activeIds(list)).toEqual([lastCommitted]);
      // Every event's list (the state at its commit) also had exactly one active: the one it activated.
      for (const event of roundEvents) expect(activeIds((event.payload as ProviderEventPayload).providers)).toEqual([event.entityId]);
    }
    expect(readerObservations).toBeGreaterThan(ACTIVATE_ROUNDS);
    console.log(`[providers ${kind}] setActive: ${ACTIVATE_ROUNDS} rounds × ${ACTIVATORS}, ${readerObservations} reader observations, 0 violations`);
  });

  it(`delete of the active provider races setActive and add while readers list (${RACE_ROUNDS} rounds)`, async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    for (let i = 0; i < 6; i++) await api.providers.add({ name: `seed${i}`, model: "m", apiKey: key(`seed${i}`) });
    let readerObservations = 0;
    let promotions = 0;
    const cursorStart = (await eventsAfter(app.services.db, userId, 0)).at(-1)!.seq;

    for (let round = 0; round < RACE_ROUNDS; round++) {
      const before = await api.providers.list();
      const [active] = before.filter((p) => p.isActive);
      const others = before.filter((p) => !p.isActive);
      const [doomedInactive, ...targets] = others;
      // Racing writers: delete the active one, delete an inactive one, activate others, add two.
      const writers: Array<() => Promise<ProviderView>> = [
        () => api.providers.delete({ id: active!.id }),
        () => api.providers.delete({ id: doomedInactive!.id }),
        ...targets.slice(0, 3).map((t) => () => api.providers.setActive({ id: t.id })),
        () => api.providers.add({ name: `r${round}a`, model: "m", apiKey: key(`r${round}a`) }),
        () => api.providers.add({ name: `r${round}b`, model: "m", apiKey: key(`r${round}b`), activate: round % 2 === 0 }),
      ];
      let writing = true;
      const readers = Array.from({ length: READERS }, () => readUntil(() => api.providers.list(), () => !writing));
      const results = await together(writers.length, (i) => writers[i]!());
      writing = false;
      const seen = (await Promise.all(readers)).flat();
      readerObservations += seen.length;
      expect(seen.filter((count) => count !== 1)).toEqual([]);
      expectAllFulfilled(results);

      const after = await api.providers.list();
      expect(after).toHaveLength(before.length);
      expect(activeIds(after)).toHaveLength(1);
      expect(after.map((p) => p.id)).not.toContain(active!.id);
    }

    const events = await eventsAfter(app.services.db, userId, cursorStart);
    for (const event of events) {
      const payload = event.payload as ProviderEventPayload;
      expect(activeIds(payload.providers)).toHaveLength(1);
      if (payload.promoted) promotions++;
    }
    // The stream replays to the stored state.
    expect(events.at(-1)!.payload).toMatchObject({ providers: await api.providers.list() });
    console.log(
      `[providers ${kind}] delete races: ${RACE_ROUNDS} rounds, ${events.length} events, ${promotions} promotions, ${readerObservations} reader observations, 0 violations`,
    );
  });

  it("promotion is the most recently active provider, also when deletes of the active one race each other", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const ps: ProviderView[] = [];
    for (let i = 0; i < 6; i++) ps.push(await api.providers.add({ name: `P${i}`, model: "m", apiKey: key(i) }));
    // Activation order: P0 (first), P3, P1, P5 — so the recency order is P5, P1, P3, P0.
    for (const i of [3, 1, 5]) await api.providers.setActive({ id: ps[i]!.id });
    const results = await together(3, (i) => api.providers.delete({ id: ps[[5, 1, 3][i]!]!.id }));
    expectAllFulfilled(results);
    // Whatever order the three deletes committed in, each promotion took the most recent survivor; P0 is left active.
    const list = await api.providers.list();
    expect(list.map((p) => [p.name, p.isActive])).toEqual([
      ["P0", true],
      ["P2", false],
      ["P4", false],
    ]);
  });
});

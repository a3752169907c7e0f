import { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { eventsAfter } from "@/domain/events/data";
import { describeWithApp } from "../../harness/app";
import { together } from "../../harness/barrier";

const WRITERS = 12;
const ROUNDS = 50;
const READERS = 3;
const ROUND_BOUND_MS = 15_000;

describeWithApp("settings under concurrency on %s", (app, kind) => {
  it(`${WRITERS} writers × ${ROUNDS} rounds on one key: the highest acknowledged version is stored; readers never see a mix`, async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const produced = new Map<number, number>([[0, 300]]); // version → value (0: the default)
    let slowestRound = 0;
    let reads = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      let writing = true;
      const readers = Array.from({ length: READERS }, async () => {
        const seen: Array<{ value: number; version: number }> = [];
        while (writing) {
          const s = await api.settings.get({ key: "alertCooldownSeconds" });
          seen.push({ value: s.value as number, version: s.version });
        }
        return seen;
      });
      const results = await together(WRITERS, (writer) =>
        api.settings.set({ key: "alertCooldownSeconds", value: round * 100 + writer }),
      );
      writing = false;
      const seenByReaders = (await Promise.all(readers)).flat();
      slowestRound = Math.max(slowestRound, performance.now() - started);

      const rejected = results.filter((r) => r.status === "rejected");
      expect(rejected, String((rejected[0] as PromiseRejectedResult | undefined)?.reason)).toHaveLength(0);
      const acks = results.map((r) => (r as PromiseFulfilledResult<{ value: number; version: number }>).value);
      for (const ack of acks) produced.set(ack.version, ack.value);
      const versions = acks.map((a) => a.version);
      expect(new Set(versions).size).toBe(WRITERS);
      const highest = acks.reduce((a, b) => (b.version > a.version ? b : a));
      expect(Math.min(...versions)).toBe((round * WRITERS) + 1);
      expect(highest.version).toBe((round + 1) * WRITERS);
      const stored = await api.settings.get({ key: "alertCooldownSeconds" });
      expect({ value: stored.value, version: stored.version }).toEqual({ value: highest.value, version: highest.version });

      for (const read of seenByReaders) expect(produced.get(read.version), `read v${read.version}`).toBe(read.value);
      reads += seenByReaders.length;
    }

    expect(slowestRound).toBeLessThan(ROUND_BOUND_MS);
    const history = await api.settings.history({ key: "alertCooldownSeconds" });
    expect(history[0]?.version).toBe(WRITERS * ROUNDS);
    const events = await eventsAfter(app.services.db, userId, 0, 10_000);
    expect(events).toHaveLength(WRITERS * ROUNDS);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: WRITERS * ROUNDS }, (_, i) => i + 1));
    console.log(`[${kind}] ${ROUNDS} rounds × ${WRITERS} writers, ${reads} concurrent reads, slowest round ${slowestRound.toFixed(0)} ms, 0 errors, 0 lost`);
  });

  it(`${WRITERS} writers with the same stale expectedVersion: exactly one wins, the others get CONFLICT with the winner`, async () => {
    const api = app.callerFor(await app.createUser());
    for (let round = 0; round < 20; round++) {
      const base = (await api.settings.get({ key: "watchlist" })).version;
      const results = await together(WRITERS, (writer) =>
        api.settings.set({ key: "watchlist", value: [`R${round}W${writer}`], expectedVersion: base }),
      );
      const winners = results.filter((r) => r.status === "fulfilled");
      expect(winners).toHaveLength(1);
      const winner = (winners[0] as PromiseFulfilledResult<{ value: string[]; version: number }>).value;
      expect(winner.version).toBe(base + 1);
      for (const loser of results.filter((r) => r.status === "rejected")) {
        const error = (loser as PromiseRejectedResult).reason as TRPCError;
        expect(error.code).toBe("CONFLICT");
        expect((error.cause as unknown as { details: { current: unknown } }).details.current).toMatchObject({
          value: winner.value,
          version: winner.version,
        });
      }
    }
  });

  it("the same requestId sent concurrently bumps the version once", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const results = await together(WRITERS, () =>
      api.settings.set({ key: "theme", value: "dark", requestId: "same-request-0001" }),
    );
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    const versions = new Set(results.map((r) => (r as PromiseFulfilledResult<{ version: number }>).value.version));
    expect([...versions]).toEqual([1]);
    expect((await api.settings.get({ key: "theme" })).version).toBe(1);
    expect(await eventsAfter(app.services.db, userId, 0)).toHaveLength(1);
  });
});

import { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { PROFILE_FIELDS, type ProfileField } from "@/domain/profile/schema";
import type { Database } from "@/db/client";
import { describeWithApp } from "../../harness/app";
import { together } from "../../harness/barrier";

/**
 * The bug class this domain exists to avoid, kept in test code only: read the
 * whole record, change one field, write the whole record back. Two concurrent
 * calls on different fields lose one of the two changes.
 */
async function naiveUpdate(db: Database, userId: string, field: ProfileField, value: string) {
  const select = Object.fromEntries(PROFILE_FIELDS.map((f) => [f, true]));
  const row = (await db.prisma.profile.findUniqueOrThrow({ where: { userId }, select: { ...select, version: true } })) as Record<string, unknown>;
  const next = { ...row, [field]: value, version: (row.version as number) + 1 };
  await db.prisma.profile.update({ where: { userId }, data: next });
}

const email = (round: number) => `r${round}@example.test`;
const phone = (round: number) => `+1415555${String(round).padStart(4, "0")}`;

describeWithApp("profile under concurrency on %s", (app, kind) => {
  it("reproduction: the naive whole-record write loses updates; the real one, under the same barrier, loses none", async () => {
    const ROUNDS = 100;
    const naiveUser = await app.createUser();
    await app.callerFor(naiveUser).profile.update({ patch: { displayName: "naive" } });
    let naiveLost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await together(2, (i) => naiveUpdate(app.services.db, naiveUser, i === 0 ? "email" : "phone", i === 0 ? email(round) : phone(round)));
      const stored = await app.callerFor(naiveUser).profile.get();
      naiveLost += Number(stored.email !== email(round)) + Number(stored.phone !== phone(round));
    }

    const realUser = await app.createUser();
    const api = app.callerFor(realUser);
    let realLost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await together(2, (i) => api.profile.update({ patch: i === 0 ? { email: email(round) } : { phone: phone(round) } }));
      const stored = await api.profile.get();
      realLost += Number(stored.email !== email(round)) + Number(stored.phone !== phone(round));
    }
    console.log(`[${kind}] ${ROUNDS} rounds × 2 writers: naive read-whole/write-whole lost ${naiveLost} field updates; profile.update lost ${realLost}`);
    expect(naiveLost).toBeGreaterThan(0);
    expect(realLost).toBe(0);
  });

  it("two writers (email, phone) released together for 1,000 rounds: both changes persist every round", async () => {
    const api = app.callerFor(await app.createUser());
    const started = performance.now();
    for (let round = 0; round < 1000; round++) {
      const results = await together(2, (i) => api.profile.update({ patch: i === 0 ? { email: email(round) } : { phone: phone(round) } }));
      expect(results.every((r) => r.status === "fulfilled")).toBe(true);
      const stored = await api.profile.get();
      expect([stored.email, stored.phone, stored.version]).toEqual([email(round), phone(round), 2 * (round + 1)]);
    }
    console.log(`[${kind}] 1000 rounds × 2 writers: 0 lost, 0 errors, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });

  it("five writers on five fields, with very different payload sizes, 50 rounds", async () => {
    const api = app.callerFor(await app.createUser());
    const bio = (round: number) => `${round}`.padEnd(1000, "x");
    const patches = (round: number) => [
      { displayName: round % 2 ? "A" : "B" },
      { bio: bio(round) },
      { email: email(round) },
      { phone: phone(round) },
      { timezone: round % 2 ? "Asia/Tokyo" : "America/New_York" },
    ];
    for (let round = 0; round < 50; round++) {
      const results = await together(5, (i) => api.profile.update({ patch: patches(round)[i]! }));
      expect(results.filter((r) => r.status === "rejected")).toHaveLength(0);
      const versions = results.map((r) => (r as PromiseFulfilledResult<{ version: number }>).value.version);
      expect(new Set(versions).size).toBe(5);
      expect(await api.profile.get()).toMatchObject({ ...Object.assign({}, ...patches(round)), version: 5 * (round + 1) });
    }
  });

  it("rapid successive writes from one client end with the last value of each field", async () => {
    const api = app.callerFor(await app.createUser());
    for (let i = 0; i < 200; i++) await api.profile.update({ patch: i % 2 ? { email: email(i) } : { phone: phone(i) } });
    expect(await api.profile.get()).toMatchObject({ email: email(199), phone: phone(198), version: 200 });
  });

  it("concurrent patches of one field with the same base: exactly one wins, the others CONFLICT and change nothing", async () => {
    const api = app.callerFor(await app.createUser());
    await api.profile.update({ patch: { email: "start@example.test" } });
    for (let round = 0; round < 20; round++) {
      const before = await api.profile.get();
      const results = await together(10, (i) =>
        api.profile.update({ patch: { email: `w${i}-r${round}@example.test` }, base: { email: before.email } }),
      );
      const winners = results.filter((r) => r.status === "fulfilled");
      expect(winners).toHaveLength(1);
      const winner = (winners[0] as PromiseFulfilledResult<{ email: string; version: number }>).value;
      expect(winner.version).toBe(before.version + 1);
      for (const loser of results.filter((r) => r.status === "rejected")) {
        const error = (loser as PromiseRejectedResult).reason as TRPCError;
        expect(error.code).toBe("CONFLICT");
        expect((error.cause as unknown as { details: { fields: unknown } }).details.fields).toEqual({ email: winner.email });
      }
      expect(await api.profile.get()).toMatchObject({ email: winner.email, version: before.version + 1 });
    }
  });
});

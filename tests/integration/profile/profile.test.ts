import { expect, it } from "vitest";
import { eventsAfter } from "@/domain/events/data";
import { describeWithApp, rejection } from "../../harness/app";

describeWithApp("profile baseline on %s", (app) => {
  it("starts empty at version 0", async () => {
    const profile = await app.callerFor(await app.createUser()).profile.get();
    expect(profile).toMatchObject({ version: 0, email: null, phone: null, displayName: null });
    expect(Object.values(profile.changedAt).every((t) => t === null)).toBe(true);
  });

  it("patches only the named fields, clears with null, and stamps each field's change time", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const first = await api.profile.update({ patch: { displayName: "Ada", email: "ada@example.com", timezone: "Europe/London" } });
    expect(first).toMatchObject({ version: 1, displayName: "Ada", email: "ada@example.com", timezone: "Europe/London", phone: null });
    expect(first.changedAt.email).toBeInstanceOf(Date);
    expect(first.changedAt.phone).toBeNull();
    const second = await api.profile.update({ patch: { phone: "+14155550100", email: null } });
    expect(second).toMatchObject({ version: 2, displayName: "Ada", email: null, phone: "+14155550100" });
    expect(second.changedAt.displayName).toEqual(first.changedAt.displayName);
    expect(await api.profile.get()).toEqual(second);
    const events = await eventsAfter(app.services.db, userId, 0);
    expect(events.map((e) => [e.type, e.version, (e.payload as { changed: string[] }).changed])).toEqual([
      ["profile.updated", 1, ["displayName", "email", "timezone"]],
      ["profile.updated", 2, ["email", "phone"]],
    ]);
  });

  it("accepts boundary values: one-character name, maximal bio, locales and currencies", async () => {
    const api = app.callerFor(await app.createUser());
    const bio = "b".repeat(1000);
    const saved = await api.profile.update({
      patch: { displayName: "A", bio, locale: "zh-Hant-TW", baseCurrency: "JPY", experience: "professional" },
    });
    expect(saved).toMatchObject({ displayName: "A", bio, locale: "zh-Hant-TW", baseCurrency: "JPY", experience: "professional" });
  });

  it("rejects bad input naming the field, and changes nothing", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    await api.profile.update({ patch: { email: "ok@example.com" } });
    const bad: Array<[unknown, string]> = [
      [{ email: "not-an-email" }, "patch.email"],
      [{ phone: "0207 946 0000" }, "patch.phone"],
      [{ timezone: "Mars/Olympus_Mons" }, "patch.timezone"],
      [{ locale: "not a locale!" }, "patch.locale"],
      [{ baseCurrency: "XYZ" }, "patch.baseCurrency"],
      [{ baseCurrency: "usd" }, "patch.baseCurrency"],
      [{ bio: "x".repeat(1001) }, "patch.bio"],
      [{ displayName: "   " }, "patch.displayName"],
      [{ experience: "guru" }, "patch.experience"],
      [{ nickname: "x" }, "patch"],
      [{}, "patch"],
    ];
    for (const [patch, field] of bad) {
      const error = await rejection(api.profile.update({ patch } as never));
      expect(error.code, JSON.stringify(patch)).toBe("BAD_REQUEST");
      const issues = (error.cause as { issues?: Array<{ path: PropertyKey[] }> }).issues ?? [];
      expect(issues.map((i) => ["patch", ...i.path.slice(1)].slice(0, 2).join(".")), JSON.stringify(patch)).toContain(field);
    }
    expect(await api.profile.get()).toMatchObject({ version: 1, email: "ok@example.com" });
    expect(await eventsAfter(app.services.db, userId, 0)).toHaveLength(1);
  });

  it("with a stale base the call fails with a per-field CONFLICT and writes nothing", async () => {
    const api = app.callerFor(await app.createUser());
    await api.profile.update({ patch: { email: "one@example.com", phone: "+441632960000" } });
    await api.profile.update({ patch: { email: "two@example.com" } });
    const error = await rejection(
      api.profile.update({ patch: { email: "three@example.com", phone: "+441632960001" }, base: { email: "one@example.com", phone: "+441632960000" } }),
    );
    expect(error.code).toBe("CONFLICT");
    expect((error.cause as unknown as { details: { fields: unknown } }).details.fields).toEqual({ email: "two@example.com" });
    expect(await api.profile.get()).toMatchObject({ version: 2, email: "two@example.com", phone: "+441632960000" });
    const ok = await api.profile.update({ patch: { email: "three@example.com" }, base: { email: "two@example.com" } });
    expect(ok).toMatchObject({ version: 3, email: "three@example.com" });
  });

  it("the same requestId twice changes nothing the second time; users are isolated", async () => {
    const alice = app.callerFor(await app.createUser());
    const bob = app.callerFor(await app.createUser());
    const first = await alice.profile.update({ patch: { bio: "hi" }, requestId: "profile-req-0001" });
    const again = await alice.profile.update({ patch: { bio: "hi" }, requestId: "profile-req-0001" });
    expect(again).toEqual(first);
    expect((await alice.profile.get()).version).toBe(1);
    expect(await bob.profile.get()).toMatchObject({ version: 0, bio: null });
  });
});

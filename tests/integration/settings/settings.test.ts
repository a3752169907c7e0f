import { expect, it } from "vitest";
import { eventsAfter } from "@/domain/events/data";
import { describeWithApp, rejection } from "../../harness/app";

describeWithApp("settings baseline on %s", (app) => {
  it("lists every registry key with its default at version 0", async () => {
    const api = app.callerFor(await app.createUser());
    const list = await api.settings.list();
    expect(list.map((s) => s.key).sort()).toEqual(
      ["alertCooldownSeconds", "chartInterval", "density", "displayTimeZone", "notificationSound", "theme", "watchlist"].sort(),
    );
    expect(list.every((s) => s.version === 0 && s.isDefault)).toBe(true);
    expect((await api.settings.get({ key: "theme" })).value).toBe("system");
  });

  it("upserts a new key, overwrites it, and records history and events", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const first = await api.settings.set({ key: "theme", value: "dark" });
    expect(first).toMatchObject({ key: "theme", value: "dark", version: 1, isDefault: false });
    const second = await api.settings.set({ key: "theme", value: "light" });
    expect(second.version).toBe(2);
    expect(await api.settings.get({ key: "theme" })).toMatchObject({ value: "light", version: 2 });
    const history = await api.settings.history({ key: "theme" });
    expect(history.map((h) => [h.version, h.value, h.action])).toEqual([
      [2, "light", "set"],
      [1, "dark", "set"],
    ]);
    const events = await eventsAfter(app.services.db, userId, 0);
    expect(events.map((e) => [e.seq, e.type, e.entityId, e.version])).toEqual([
      [1, "setting.saved", "theme", 1],
      [2, "setting.saved", "theme", 2],
    ]);
  });

  it("accepts empty and boundary values", async () => {
    const api = app.callerFor(await app.createUser());
    expect((await api.settings.set({ key: "watchlist", value: [] })).value).toEqual([]);
    const fifty = Array.from({ length: 50 }, (_, i) => `T${i}`);
    expect((await api.settings.set({ key: "watchlist", value: fifty })).value).toEqual(fifty);
    expect((await api.settings.set({ key: "watchlist", value: ["brk.b", " aapl "] })).value).toEqual(["BRK.B", "AAPL"]);
    expect((await api.settings.set({ key: "alertCooldownSeconds", value: 0 })).value).toBe(0);
    expect((await api.settings.set({ key: "alertCooldownSeconds", value: 86_400 })).value).toBe(86_400);
    expect((await api.settings.set({ key: "displayTimeZone", value: "America/New_York" })).value).toBe("America/New_York");
  });

  it("rejects unknown keys and invalid values with BAD_REQUEST and writes nothing", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    await api.settings.set({ key: "alertCooldownSeconds", value: 60 });
    const bad: unknown[] = [
      { key: "colour", value: "red" },
      { key: "theme", value: "purple" },
      { key: "alertCooldownSeconds", value: -1 },
      { key: "alertCooldownSeconds", value: 86_401 },
      { key: "alertCooldownSeconds", value: 1.5 },
      { key: "alertCooldownSeconds", value: "60" },
      { key: "watchlist", value: Array.from({ length: 51 }, (_, i) => `T${i}`) },
      { key: "watchlist", value: ["AAPL", "aapl"] },
      { key: "watchlist", value: ["not a ticker!"] },
      { key: "displayTimeZone", value: "Mars/Olympus_Mons" },
      { key: "theme", value: "dark", requestId: "x" },
      { key: "theme", value: "dark", expectedVersion: -1 },
    ];
    for (const input of bad) {
      const error = await rejection(api.settings.set(input as never));
      expect(error.code, JSON.stringify(input)).toBe("BAD_REQUEST");
    }
    expect(await api.settings.get({ key: "alertCooldownSeconds" })).toMatchObject({ value: 60, version: 1 });
    expect((await api.settings.list()).filter((s) => s.version > 0)).toHaveLength(1);
    expect(await eventsAfter(app.services.db, userId, 0)).toHaveLength(1);
  });

  it("delete resets to the default and versions keep increasing; revert restores an old value", async () => {
    const api = app.callerFor(await app.createUser());
    await api.settings.set({ key: "density", value: "compact" });
    await api.settings.set({ key: "density", value: "spacious" });
    const deleted = await api.settings.delete({ key: "density" });
    expect(deleted).toMatchObject({ value: "comfortable", isDefault: true, version: 3 });
    const again = await api.settings.set({ key: "density", value: "spacious" });
    expect(again.version).toBe(4);
    const reverted = await api.settings.revert({ key: "density", toVersion: 1 });
    expect(reverted).toMatchObject({ value: "compact", version: 5, isDefault: false });
    const toDefault = await api.settings.revert({ key: "density", toVersion: 3 });
    expect(toDefault).toMatchObject({ isDefault: true, version: 6 });
    expect((await rejection(api.settings.revert({ key: "density", toVersion: 99 }))).code).toBe("NOT_FOUND");
    expect((await api.settings.get({ key: "density" })).version).toBe(6);
  });

  it("a stale expectedVersion fails with CONFLICT carrying the current value and version", async () => {
    const api = app.callerFor(await app.createUser());
    await api.settings.set({ key: "chartInterval", value: "5m", expectedVersion: 0 });
    await api.settings.set({ key: "chartInterval", value: "1d", expectedVersion: 1 });
    const error = await rejection(api.settings.set({ key: "chartInterval", value: "1w", expectedVersion: 1 }));
    expect(error.code).toBe("CONFLICT");
    expect((error.cause as unknown as { details: unknown }).details).toMatchObject({ current: { value: "1d", version: 2 } });
    const deleteError = await rejection(api.settings.delete({ key: "chartInterval", expectedVersion: 0 }));
    expect(deleteError.code).toBe("CONFLICT");
    expect(await api.settings.get({ key: "chartInterval" })).toMatchObject({ value: "1d", version: 2 });
  });

  it("the same requestId twice changes nothing the second time", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const first = await api.settings.set({ key: "notificationSound", value: "bell", requestId: "req-000000001" });
    const second = await api.settings.set({ key: "notificationSound", value: "bell", requestId: "req-000000001" });
    expect(second).toEqual(first);
    expect((await api.settings.get({ key: "notificationSound" })).version).toBe(1);
    expect(await eventsAfter(app.services.db, userId, 0)).toHaveLength(1);
    const misuse = await rejection(api.settings.delete({ key: "notificationSound", requestId: "req-000000001" }));
    expect(misuse.code).toBe("BAD_REQUEST");
  });

  it("scopes every read and write to the signed-in user", async () => {
    const alice = app.callerFor(await app.createUser("Alice"));
    const bob = app.callerFor(await app.createUser("Bob"));
    await alice.settings.set({ key: "theme", value: "dark" });
    expect(await bob.settings.get({ key: "theme" })).toMatchObject({ value: "system", version: 0 });
    await bob.settings.set({ key: "theme", value: "light" });
    expect(await alice.settings.get({ key: "theme" })).toMatchObject({ value: "dark", version: 1 });
    const anonymous = app.callerFor(null as unknown as string);
    expect((await rejection(anonymous.settings.list())).code).toBe("UNAUTHORIZED");
  });
});

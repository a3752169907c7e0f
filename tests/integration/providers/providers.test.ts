import { expect, it } from "vitest";
import { eventsAfter } from "@/domain/events/data";
import { activeProviderCredentials } from "@/domain/providers/data";
import type { ProviderEventPayload } from "@/domain/providers/schema";
import { describeWithApp, rejection } from "../../harness/app";

const key = (tag: string) => `sk-test-${tag}-0123456789abcdef`;
const activeNames = (list: { name: string; isActive: boolean }[]) => list.filter((p) => p.isActive).map((p) => p.name);

describeWithApp("providers baseline on %s", (app) => {
  it("starts empty; the first provider added becomes active, later ones do not", async () => {
    const api = app.callerFor(await app.createUser());
    expect(await api.providers.list()).toEqual([]);
    const openai = await api.providers.add({ name: "OpenAI", model: "gpt-4o", apiKey: key("aaaa") });
    expect(openai).toMatchObject({ name: "OpenAI", model: "gpt-4o", baseUrl: null, apiKeyHint: "…cdef", isActive: true, version: 1 });
    expect(openai.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(openai).sort()).toEqual(
      ["apiKeyHint", "baseUrl", "createdAt", "id", "isActive", "model", "name", "updatedAt", "version"].sort(),
    );
    const local = await api.providers.add({ name: "Local", model: "llama3", apiKey: key("bbbb"), baseUrl: "http://localhost:11434/v1" });
    expect(local).toMatchObject({ isActive: false, baseUrl: "http://localhost:11434/v1", version: 1 });
    const list = await api.providers.list();
    expect(list.map((p) => p.name)).toEqual(["OpenAI", "Local"]);
    expect(activeNames(list)).toEqual(["OpenAI"]);
  });

  it("add with activate: true and setActive switch the single active provider", async () => {
    const api = app.callerFor(await app.createUser());
    const a = await api.providers.add({ name: "A", model: "m", apiKey: key("a") });
    const b = await api.providers.add({ name: "B", model: "m", apiKey: key("b"), activate: true });
    expect(b.isActive).toBe(true);
    expect(activeNames(await api.providers.list())).toEqual(["B"]);
    const activatedA = await api.providers.setActive({ id: a.id });
    expect(activatedA).toMatchObject({ id: a.id, isActive: true, version: 3 }); // added, deactivated by B, activated
    const list = await api.providers.list();
    expect(activeNames(list)).toEqual(["A"]);
    expect(list.find((p) => p.id === b.id)).toMatchObject({ isActive: false, version: 2 });
    // Activating the active provider again is a committed write too.
    expect(await api.providers.setActive({ id: a.id })).toMatchObject({ isActive: true, version: 4 });
    expect(activeNames(await api.providers.list())).toEqual(["A"]);
  });

  it("update changes only the named fields, keeps the key when none is sent, and checks expectedVersion", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const p = await api.providers.add({ name: "OpenAI", model: "gpt-4o", apiKey: key("first"), baseUrl: "https://api.openai.com/v1" });
    const renamed = await api.providers.update({ id: p.id, model: "gpt-4.1" });
    expect(renamed).toMatchObject({ name: "OpenAI", model: "gpt-4.1", baseUrl: "https://api.openai.com/v1", apiKeyHint: "…cdef", version: 2 });
    expect((await activeProviderCredentials(app.services.db, app.services.apiKeys, userId))?.apiKey).toBe(key("first"));

    const rekeyed = await api.providers.update({ id: p.id, apiKey: "sk-new-key-wxyz", baseUrl: null, expectedVersion: 2 });
    expect(rekeyed).toMatchObject({ apiKeyHint: "…wxyz", baseUrl: null, version: 3 });
    expect((await activeProviderCredentials(app.services.db, app.services.apiKeys, userId))?.apiKey).toBe("sk-new-key-wxyz");

    const stale = await rejection(api.providers.update({ id: p.id, model: "stale", expectedVersion: 2 }));
    expect(stale.code).toBe("CONFLICT");
    expect((stale.cause as unknown as { details: { current: { version: number; model: string } } }).details.current).toMatchObject({
      version: 3,
      model: "gpt-4.1",
    });
    expect((await api.providers.list())[0]).toMatchObject({ version: 3, model: "gpt-4.1" });
  });

  it("deleting the active provider promotes the most recently active one; deleting the last leaves none", async () => {
    const api = app.callerFor(await app.createUser());
    const a = await api.providers.add({ name: "A", model: "m", apiKey: key("a") });
    const b = await api.providers.add({ name: "B", model: "m", apiKey: key("b") });
    const c = await api.providers.add({ name: "C", model: "m", apiKey: key("c") });
    const d = await api.providers.add({ name: "D", model: "m", apiKey: key("d") });
    await api.providers.setActive({ id: c.id });
    await api.providers.setActive({ id: b.id });
    // Active B; activation history A, C, B. Deleting B promotes C (most recently active), not D (newest).
    const deleted = await api.providers.delete({ id: b.id });
    expect(deleted).toMatchObject({ id: b.id, isActive: false });
    expect(activeNames(await api.providers.list())).toEqual(["C"]);
    // Deleting an inactive provider changes no one's active flag.
    await api.providers.delete({ id: a.id });
    expect(activeNames(await api.providers.list())).toEqual(["C"]);
    // Only never-activated D is left to promote.
    await api.providers.delete({ id: c.id });
    expect(await api.providers.list()).toMatchObject([{ id: d.id, isActive: true }]);
    await api.providers.delete({ id: d.id });
    expect(await api.providers.list()).toEqual([]);
    // The next one added is active again.
    expect(await api.providers.add({ name: "E", model: "m", apiKey: key("e") })).toMatchObject({ isActive: true });
  });

  it("appends one event per change carrying the whole list, never the key", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const a = await api.providers.add({ name: "A", model: "m", apiKey: key("evt-a") });
    const b = await api.providers.add({ name: "B", model: "m", apiKey: key("evt-b") });
    await api.providers.setActive({ id: b.id });
    await api.providers.update({ id: a.id, model: "m2" });
    await api.providers.delete({ id: b.id });
    const events = await eventsAfter(app.services.db, userId, 0);
    expect(events.map((e) => [e.type, e.entityId, e.version])).toEqual([
      ["provider.added", a.id, 1],
      ["provider.added", b.id, 1],
      ["provider.activated", b.id, 2],
      ["provider.updated", a.id, 3],
      ["provider.deleted", b.id, 2],
    ]);
    const last = events.at(-1)!.payload as ProviderEventPayload;
    expect(last.promoted).toMatchObject({ id: a.id, isActive: true });
    expect(last.providers).toMatchObject([{ id: a.id, isActive: true }]);
    for (const event of events) {
      const payload = event.payload as ProviderEventPayload;
      expect(payload.providers.filter((p) => p.isActive)).toHaveLength(1);
      expect(JSON.stringify(event.payload)).not.toContain("evt-");
    }
    const snapshot = await api.providers.snapshot();
    expect(snapshot).toEqual({ seq: 5, providers: last.providers });
  });

  it("replays a retried request id without a second change", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const first = await api.providers.add({ name: "A", model: "m", apiKey: key("a"), requestId: "add-request-1" });
    const again = await api.providers.add({ name: "A", model: "m", apiKey: key("a"), requestId: "add-request-1" });
    expect(again).toEqual(first);
    expect(await api.providers.list()).toHaveLength(1);
    expect(await eventsAfter(app.services.db, userId, 0)).toHaveLength(1);
  });

  it("rejects bad input with a typed error naming the field, and changes nothing", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const p = await api.providers.add({ name: "A", model: "m", apiKey: key("a") });
    const before = await api.providers.list();
    const bad: Array<[() => Promise<unknown>, string]> = [
      [() => api.providers.add({ name: "  ", model: "m", apiKey: key("x") }), "name"],
      [() => api.providers.add({ name: "N", model: "", apiKey: key("x") }), "model"],
      [() => api.providers.add({ name: "N", model: "m", apiKey: "x".repeat(513) }), "apiKey"],
      [() => api.providers.add({ name: "N", model: "m", apiKey: "   " }), "apiKey"],
      [() => api.providers.add({ name: "N", model: "m", apiKey: "has a space in it" }), "apiKey"],
      [() => api.providers.add({ name: "N", model: "m", apiKey: key("x"), baseUrl: "not a url" }), "baseUrl"],
      [() => api.providers.add({ name: "N", model: "m", apiKey: key("x"), baseUrl: "ftp://files.example.com" }), "baseUrl"],
      [() => api.providers.add({ name: "N", model: "m", apiKey: key("x"), baseUrl: "https://user:pw@api.example.com" }), "baseUrl"],
      [() => api.providers.update({ id: p.id, name: "" }), "name"],
      [() => api.providers.update({ id: p.id, apiKey: "y".repeat(600) }), "apiKey"],
    ];
    for (const [call, field] of bad) {
      const error = await rejection(call());
      expect(error.code).toBe("BAD_REQUEST");
      expect(JSON.stringify(error.cause)).toContain(field);
    }
    const unknown = await rejection(api.providers.setActive({ id: "no-such-provider" }));
    expect(unknown.code).toBe("NOT_FOUND");
    expect((await rejection(api.providers.delete({ id: "no-such-provider" }))).code).toBe("NOT_FOUND");
    expect((await rejection(api.providers.update({ id: "no-such-provider", model: "m" }))).code).toBe("NOT_FOUND");
    expect(await api.providers.list()).toEqual(before);
    expect(await eventsAfter(app.services.db, userId, 0)).toHaveLength(1);
  });

  it("keeps users apart: B can neither see nor change A's providers", async () => {
    const alice = app.callerFor(await app.createUser("Alice"));
    const bobId = await app.createUser("Bob");
    const bob = app.callerFor(bobId);
    const a1 = await alice.providers.add({ name: "A1", model: "m", apiKey: key("alice1") });
    const a2 = await alice.providers.add({ name: "A2", model: "m", apiKey: key("alice2") });
    const aliceBefore = await alice.providers.list();
    const b1 = await bob.providers.add({ name: "B1", model: "m", apiKey: key("bob1") });
    expect(b1.isActive).toBe(true); // Alice's active provider does not count for Bob
    expect(await bob.providers.list()).toEqual([b1]);
    for (const call of [
      () => bob.providers.setActive({ id: a2.id }),
      () => bob.providers.update({ id: a1.id, model: "hijacked" }),
      () => bob.providers.update({ id: a1.id, apiKey: "sk-hijacked-key" }),
      () => bob.providers.delete({ id: a1.id }),
    ]) {
      expect((await rejection(call())).code).toBe("NOT_FOUND");
    }
    expect(await alice.providers.list()).toEqual(aliceBefore);
    expect(await bob.providers.list()).toEqual([b1]);
    expect(await eventsAfter(app.services.db, bobId, 0)).toHaveLength(1);
  });

  it("the database refuses a second active row for a user (partial unique index)", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const a = await api.providers.add({ name: "A", model: "m", apiKey: key("a") });
    const b = await api.providers.add({ name: "B", model: "m", apiKey: key("b") });
    expect(a.isActive).toBe(true);
    const sneak = app.services.db.prisma.provider.updateMany({ where: { id: b.id }, data: { isActive: true } });
    await expect(sneak).rejects.toMatchObject({ code: "P2002" });
    expect(activeNames(await api.providers.list())).toEqual(["A"]);
  });
});

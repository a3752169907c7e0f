import { expect, it } from "vitest";
import { pruneEvents } from "@/domain/events/mutations";
import { RESYNC_EVENT_TYPE, type LoggedEvent } from "@/domain/events/schema";
import { describeWithApp } from "../../harness/app";
import { together } from "../../harness/barrier";

/** Reads `count` events from an async iterable, failing after `timeoutMs`. */
async function take(iterable: AsyncIterable<unknown>, count: number, timeoutMs = 5_000): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = [];
  const iterator = iterable[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    const remaining = deadline - Date.now();
    const next = await Promise.race([
      iterator.next(),
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), Math.max(0, remaining))),
    ]);
    if (next === "timeout") throw new Error(`got ${out.length} of ${count} events within ${timeoutMs} ms`);
    if (next.done) break;
    // Server-side callers see tracked(id, data) as its [id, data] tuple.
    const value = next.value as LoggedEvent | [string, LoggedEvent];
    out.push(Array.isArray(value) ? value[1] : value);
  }
  return out;
}

// Open streams end when the app's services stop (its shutdown signal) in afterAll.
describeWithApp("stream.events on %s", (app) => {
  it("replays from lastEventId, then follows live, in sequence order, only the user's own events", async () => {
    const userId = await app.createUser();
    const api = app.callerFor(userId);
    const other = app.callerFor(await app.createUser());
    await api.settings.set({ key: "theme", value: "dark" });
    await api.settings.set({ key: "density", value: "compact" });
    const stream = await api.stream.events({ lastEventId: "0" });
    const replayed = await take(stream, 2);
    expect(replayed.map((e) => [e.seq, e.entityId, e.version])).toEqual([
      [1, "theme", 1],
      [2, "density", 1],
    ]);
    await other.settings.set({ key: "theme", value: "light" });
    const results = await together(10, (i) => api.settings.set({ key: "alertCooldownSeconds", value: i }));
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    const live = await take(stream, 10);
    expect(live.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(live.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("without lastEventId starts with a resync marker at the current position", async () => {
    const api = app.callerFor(await app.createUser());
    await api.settings.set({ key: "theme", value: "dark" });
    const stream = await api.stream.events(undefined);
    const [marker] = await take(stream, 1);
    expect(marker).toMatchObject({ type: RESYNC_EVENT_TYPE, id: "1" });
    await api.settings.set({ key: "theme", value: "light" });
    const [next] = await take(stream, 1);
    expect(next).toMatchObject({ seq: 2, entityId: "theme", version: 2 });
  });

  it("a conflicting (rolled back) write appends no event", async () => {
    const api = app.callerFor(await app.createUser());
    await api.settings.set({ key: "theme", value: "dark" });
    await expect(api.settings.set({ key: "theme", value: "light", expectedVersion: 0 })).rejects.toMatchObject({ code: "CONFLICT" });
    await api.settings.set({ key: "density", value: "spacious" });
    const events = await take(await api.stream.events({ lastEventId: "0" }), 2);
    expect(events.map((e) => [e.seq, e.entityId])).toEqual([
      [1, "theme"],
      [2, "density"],
    ]);
  });

  it("asks the client to resync when its lastEventId was pruned or is unknown", async () => {
    const api = app.callerFor(await app.createUser());
    for (const value of ["dark", "light", "dark"] as const) await api.settings.set({ key: "theme", value });
    await pruneEvents(app.services.db, new Date(Date.now() + 1_000));
    const [pruned] = await take(await api.stream.events({ lastEventId: "1" }), 1);
    expect(pruned).toMatchObject({ type: RESYNC_EVENT_TYPE, id: "3" });
    const [ahead] = await take(await api.stream.events({ lastEventId: "99" }), 1);
    expect(ahead).toMatchObject({ type: RESYNC_EVENT_TYPE, id: "3" });
  });
});

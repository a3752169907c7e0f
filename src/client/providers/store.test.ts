import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { ProviderView } from "@/domain/providers/schema";
import { activeProvider, applyProviderEvent, applyProviderSnapshot, ProvidersStore, toProviderView } from "./store";

const at = new Date("2026-01-02T03:04:05.000Z");

function view(id: string, isActive: boolean, version = 1, model = "gpt-4o"): ProviderView {
  return { id, name: `Provider ${id}`, model, baseUrl: null, apiKeyHint: "…abcd", isActive, version, createdAt: at, updatedAt: at };
}

/** The list with `active` as the one active provider. */
const listWith = (active: string, ids = ["a", "b", "c"]) => ids.map((id) => view(id, id === active));

describe("ProvidersStore ordering", () => {
  it("takes the first list from either source", () => {
    const fromEvent = new ProvidersStore();
    expect(fromEvent.applyEvent(3, listWith("a"))).toBe(true);
    expect(fromEvent.get()).toEqual({ seq: 3, providers: listWith("a") });

    const fromSnapshot = new ProvidersStore();
    expect(fromSnapshot.applySnapshot(0, [])).toBe(true);
    expect(fromSnapshot.get()).toEqual({ seq: 0, providers: [] });
  });

  it("applies an event only when its seq is higher", () => {
    const store = new ProvidersStore();
    store.applyEvent(5, listWith("b"));
    expect(store.applyEvent(5, listWith("c")), "same seq: a replayed event").toBe(false);
    expect(store.applyEvent(4, listWith("a")), "older event").toBe(false);
    expect(activeProvider(store.get())?.id).toBe("b");
    expect(store.applyEvent(6, listWith("c"))).toBe(true);
    expect(activeProvider(store.get())?.id).toBe("c");
  });

  it("applies a snapshot at the same seq, never an older one", () => {
    const store = new ProvidersStore();
    store.applyEvent(7, listWith("b"));
    expect(store.applySnapshot(6, listWith("a")), "a refetch sent before event 7").toBe(false);
    expect(activeProvider(store.get())?.id).toBe("b");
    expect(store.applySnapshot(7, listWith("b"))).toBe(true);
    expect(store.applySnapshot(9, listWith("c"))).toBe(true);
    expect(store.applyEvent(8, listWith("a")), "an event the snapshot already includes").toBe(false);
    expect(store.get()?.seq).toBe(9);
  });

  it("notifies listeners only when the list is replaced", () => {
    const store = new ProvidersStore();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    store.applyEvent(2, listWith("a"));
    store.applyEvent(1, listWith("b"));
    store.applySnapshot(1, listWith("b"));
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    store.applyEvent(3, listWith("c"));
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("refuses a negative or non-integer seq", () => {
    const store = new ProvidersStore();
    expect(store.applyEvent(-1, listWith("a"))).toBe(false);
    expect(store.applySnapshot(1.5, listWith("a"))).toBe(false);
    expect(store.get()).toBeNull();
  });

  it("ends at the newest list and never goes back, whatever order events and snapshots arrive in", () => {
    // A history of commits 1..n, each with one active provider; every commit
    // reaches the tab as an event and possibly also as a snapshot, in any order.
    const arbitrary = fc
      .array(fc.constantFrom("a", "b", "c"), { minLength: 1, maxLength: 30 })
      .chain((actives) =>
        fc
          .array(fc.boolean(), { minLength: actives.length, maxLength: actives.length })
          .chain((withSnapshot) => {
            const deliveries = actives.flatMap((active, index) => {
              const seq = index + 1;
              const event = { kind: "event" as const, seq, active };
              return withSnapshot[index] ? [event, { kind: "snapshot" as const, seq, active }] : [event];
            });
            return fc.shuffledSubarray(deliveries, { minLength: deliveries.length, maxLength: deliveries.length }).map((order) => ({ actives, order }));
          }),
      );
    fc.assert(
      fc.property(arbitrary, ({ actives, order }) => {
        const store = new ProvidersStore();
        let lastSeq = -1;
        for (const delivery of order) {
          const list = listWith(delivery.active);
          if (delivery.kind === "event") store.applyEvent(delivery.seq, list);
          else store.applySnapshot(delivery.seq, list);
          const state = store.get()!;
          expect(state.seq).toBeGreaterThanOrEqual(lastSeq);
          expect(state.providers.filter((provider) => provider.isActive)).toHaveLength(1);
          expect(activeProvider(state)?.id, "the list shown is the one of its seq").toBe(actives[state.seq - 1]);
          lastSeq = state.seq;
        }
        expect(store.get()?.seq).toBe(actives.length);
        expect(activeProvider(store.get())?.id).toBe(actives.at(-1));
      }),
    );
  });
});

describe("stream and snapshot inputs", () => {
  it("applies an event's payload.providers by the event's seq, with dates given as strings", () => {
    const store = new ProvidersStore();
    const json = JSON.parse(JSON.stringify(listWith("b")));
    expect(applyProviderEvent(store, { id: "12", seq: 12, type: "provider.activated", payload: { change: "activated", providers: json } })).toBe(true);
    expect(store.get()).toEqual({ seq: 12, providers: listWith("b") });
    expect(applyProviderEvent(store, { id: "13", payload: { providers: listWith("c") } }), "seq from the id").toBe(true);
    expect(store.get()?.seq).toBe(13);
  });

  it("ignores an event without a whole, well-formed list", () => {
    const store = new ProvidersStore();
    expect(applyProviderEvent(store, { id: "1", payload: null })).toBe(false);
    expect(applyProviderEvent(store, { id: "2", payload: { providers: [view("a", true), { id: "b" }] } })).toBe(false);
    expect(applyProviderEvent(store, { payload: { providers: listWith("a") } }), "no seq").toBe(false);
    expect(store.get()).toBeNull();
  });

  it("applies a snapshot result", () => {
    const store = new ProvidersStore();
    expect(applyProviderSnapshot(store, { seq: 4, providers: listWith("c") })).toBe(true);
    expect(applyProviderSnapshot(store, undefined)).toBe(false);
    expect(activeProvider(store.get())?.id).toBe("c");
  });

  it("keeps only a view's own fields", () => {
    const parsed = toProviderView({ ...view("a", true), apiKeyCipher: "v1.secret", extra: 1 });
    expect(parsed).toEqual(view("a", true));
    expect(parsed).not.toHaveProperty("apiKeyCipher");
  });
});

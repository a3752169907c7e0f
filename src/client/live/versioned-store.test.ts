import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { VersionedStore } from "./versioned-store";

interface Entry {
  version: number;
  value: string;
}

const entry = (version: number, value = `v${version}`): Entry => ({ version, value });

describe("VersionedStore merge rule", () => {
  it("accepts the first entry for a key", () => {
    const store = new VersionedStore<string, Entry>();
    expect(store.merge("theme", entry(0, "system"))).toBe(true);
    expect(store.get("theme")).toEqual(entry(0, "system"));
  });

  it("replaces an entry with a higher version", () => {
    const store = new VersionedStore<string, Entry>();
    store.merge("theme", entry(1, "dark"));
    expect(store.merge("theme", entry(2, "light"))).toBe(true);
    expect(store.get("theme")).toEqual(entry(2, "light"));
  });

  it("never replaces an entry with a lower version (a slow refetch or late event)", () => {
    const store = new VersionedStore<string, Entry>();
    store.merge("theme", entry(5, "dark"));
    expect(store.merge("theme", entry(4, "light"))).toBe(false);
    expect(store.merge("theme", entry(0, "system"))).toBe(false);
    expect(store.get("theme")).toEqual(entry(5, "dark"));
  });

  it("keeps the entry it has when the version is equal", () => {
    const store = new VersionedStore<string, Entry>();
    const first = entry(3, "dark");
    store.merge("theme", first);
    expect(store.merge("theme", entry(3, "dark"))).toBe(false);
    expect(store.get("theme")).toBe(first);
  });

  it("ignores entries without a valid version", () => {
    const store = new VersionedStore<string, Entry>();
    store.merge("theme", entry(1));
    expect(store.merge("theme", { version: Number.NaN, value: "x" })).toBe(false);
    expect(store.merge("theme", { version: -1, value: "x" })).toBe(false);
    expect(store.merge("theme", { version: "9", value: "x" } as unknown as Entry)).toBe(false);
    expect(store.get("theme")).toEqual(entry(1));
  });

  it("merges keys independently", () => {
    const store = new VersionedStore<string, Entry>();
    store.mergeMany([
      ["theme", entry(3)],
      ["density", entry(1)],
    ]);
    expect(store.mergeMany([
      ["theme", entry(2)],
      ["density", entry(2)],
    ])).toBe(1);
    expect(store.version("theme")).toBe(3);
    expect(store.version("density")).toBe(2);
  });

  it("uses the highest version within one batch", () => {
    const store = new VersionedStore<string, Entry>();
    store.mergeMany([
      ["theme", entry(2)],
      ["theme", entry(7)],
      ["theme", entry(4)],
    ]);
    expect(store.version("theme")).toBe(7);
  });

  it("notifies once per accepted batch, never for rejected entries, with a new snapshot", () => {
    const store = new VersionedStore<string, Entry>();
    const listener = vi.fn();
    store.subscribe(listener);
    const before = store.snapshot();
    store.mergeMany([
      ["theme", entry(1)],
      ["density", entry(1)],
    ]);
    expect(listener).toHaveBeenCalledTimes(1);
    const after = store.snapshot();
    expect(after).not.toBe(before);
    store.merge("theme", entry(1));
    store.merge("theme", entry(0));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.snapshot()).toBe(after);
  });

  it("stops notifying after unsubscribe", () => {
    const store = new VersionedStore<string, Entry>();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    unsubscribe();
    store.merge("theme", entry(1));
    expect(listener).not.toHaveBeenCalled();
  });

  it("ends at the highest version whatever order the sources arrive in, and never moves backwards", () => {
    const keys = ["theme", "density", "watchlist"] as const;
    const arrival = fc.array(
      fc.record({ key: fc.constantFrom(...keys), version: fc.integer({ min: 0, max: 30 }) }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(arrival, (arrivals) => {
        const store = new VersionedStore<string, Entry>();
        const shown = new Map<string, number>();
        for (const { key, version } of arrivals) {
          store.merge(key, entry(version));
          const now = store.version(key)!;
          expect(now).toBeGreaterThanOrEqual(shown.get(key) ?? -1);
          shown.set(key, now);
        }
        for (const key of keys) {
          const versions = arrivals.filter((a) => a.key === key).map((a) => a.version);
          expect(store.version(key)).toBe(versions.length ? Math.max(...versions) : undefined);
          if (versions.length) expect(store.get(key)?.value).toBe(`v${Math.max(...versions)}`);
        }
      }),
    );
  });
});

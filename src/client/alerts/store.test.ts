import { describe, expect, it } from "vitest";
import type { AlertView, FiringView } from "@/domain/alerts/schema";
import { advanceSeenMark, AlertsStore, claimSound, closestToTriggering, distanceTo, readSeenMark, toAlertView, unseenCount } from "./store";

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 12, 0, s));

function alert(id: string, version: number, fields: Partial<AlertView> = {}): AlertView {
  return {
    id,
    ticker: "AAPL",
    condition: "crossesUp",
    threshold: 100,
    mode: "once",
    cooldownSeconds: 300,
    expiresAt: null,
    note: null,
    state: "armed",
    stateReason: null,
    triggeredAt: null,
    triggeredPrice: null,
    triggeredTick: null,
    fireCount: 0,
    arming: 1,
    version,
    createdAt: at(Number(id.replace(/\D/g, "")) || 0),
    updatedAt: at(0),
    ...fields,
  };
}

function firing(id: string, alertId: string, firedAt: Date): FiringView {
  return { id, alertId, arming: 1, ticker: "AAPL", tickSeq: 1, price: 101, tickAt: firedAt, firedAt };
}

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem = (key: string) => this.map.get(key) ?? null;
  setItem = (key: string, value: string) => void this.map.set(key, value);
}

describe("AlertsStore", () => {
  it("keeps the higher version whatever order views arrive in", () => {
    const store = new AlertsStore();
    store.merge([alert("a1", 3, { threshold: 103 })]);
    expect(store.merge([alert("a1", 2, { threshold: 102 })])).toBe(0);
    expect(store.get("a1")?.threshold).toBe(103);
    store.applyList([alert("a1", 1, { threshold: 101 })], store.stamp);
    expect(store.get("a1")?.threshold).toBe(103);
    expect(store.merge([alert("a1", 4, { state: "triggered" })])).toBe(1);
    expect(store.get("a1")?.state).toBe("triggered");
  });

  it("never brings a deleted alert back: not from a late list, nor from a late event", () => {
    const store = new AlertsStore();
    store.merge([alert("a1", 2)]);
    const requestedAt = store.stamp;
    store.remove(alert("a1", 2));
    store.applyList([alert("a1", 2)], requestedAt);
    store.merge([alert("a1", 3)]);
    expect(store.get("a1")).toBeUndefined();
    expect(store.alerts()).toEqual([]);
    expect(store.isDeleted("a1")).toBe(true);
  });

  it("takes an alert missing from a list as deleted only if the tab knew it before asking", () => {
    const store = new AlertsStore();
    store.merge([alert("a1", 1), alert("a2", 1)]);
    const requestedAt = store.stamp;
    // Created after the list was requested (its event arrived before the answer).
    store.merge([alert("a3", 1)]);
    store.applyList([alert("a2", 1)], requestedAt);
    expect(store.alerts().map((a) => a.id)).toEqual(["a2", "a3"]);
    expect(store.isDeleted("a1")).toBe(true);
  });

  it("lists alerts oldest first, the same array until something changes, and is loaded after the first list", () => {
    const store = new AlertsStore();
    expect(store.loaded()).toBe(false);
    store.applyList([alert("a2", 1), alert("a1", 1)], store.stamp);
    expect(store.loaded()).toBe(true);
    const first = store.alerts();
    expect(first.map((a) => a.id)).toEqual(["a1", "a2"]);
    expect(store.alerts()).toBe(first);
    store.merge([alert("a1", 1)]);
    expect(store.alerts()).toBe(first);
  });

  it("adds each firing once, newest first, and hides those of deleted alerts", () => {
    const store = new AlertsStore();
    store.merge([alert("a1", 1), alert("a2", 1)]);
    expect(store.addFirings([firing("f1", "a1", at(1)), firing("f2", "a2", at(2))])).toEqual(["f1", "f2"]);
    expect(store.addFirings([firing("f2", "a2", at(2))])).toEqual([]);
    expect(store.firings().map((f) => f.id)).toEqual(["f2", "f1"]);
    store.remove(alert("a2", 1));
    expect(store.firings().map((f) => f.id)).toEqual(["f1"]);
  });

  it("notifies listeners on every accepted change only", () => {
    const store = new AlertsStore();
    let calls = 0;
    store.subscribe(() => calls++);
    store.merge([alert("a1", 2)]);
    store.merge([alert("a1", 1)]);
    store.addFirings([firing("f1", "a1", at(1))]);
    store.addFirings([firing("f1", "a1", at(1))]);
    expect(calls).toBe(2);
  });
});

describe("toAlertView", () => {
  it("accepts a view, and one whose dates arrived as strings; rejects anything else", () => {
    const view = alert("a1", 1, { expiresAt: at(9) });
    expect(toAlertView(view)).toEqual(view);
    expect(toAlertView(JSON.parse(JSON.stringify(view)))).toEqual(view);
    expect(toAlertView({ ...view, state: "exploded" })).toBeNull();
    expect(toAlertView(null)).toBeNull();
  });
});

describe("distanceTo", () => {
  it("is the move still needed, signed, and in percent of the price", () => {
    expect(distanceTo({ condition: "crossesUp", threshold: 110 }, 100)).toEqual({ delta: 10, percent: 10, atOrPast: false });
    expect(distanceTo({ condition: "below", threshold: 90 }, 100)).toEqual({ delta: -10, percent: -10, atOrPast: false });
  });

  it("knows each condition's firing side (above/below strict, crossings inclusive)", () => {
    expect(distanceTo({ condition: "above", threshold: 100 }, 100)?.atOrPast).toBe(false);
    expect(distanceTo({ condition: "above", threshold: 100 }, 100.01)?.atOrPast).toBe(true);
    expect(distanceTo({ condition: "below", threshold: 100 }, 100)?.atOrPast).toBe(false);
    expect(distanceTo({ condition: "crossesUp", threshold: 100 }, 100)?.atOrPast).toBe(true);
    expect(distanceTo({ condition: "crossesDown", threshold: 100 }, 100)?.atOrPast).toBe(true);
    expect(distanceTo({ condition: "crossesDown", threshold: 100 }, 100.5)?.atOrPast).toBe(false);
  });

  it("is unknown without a usable price", () => {
    expect(distanceTo({ condition: "above", threshold: 100 }, undefined)).toBeNull();
    expect(distanceTo({ condition: "above", threshold: 100 }, Number.NaN)).toBeNull();
  });
});

describe("closestToTriggering", () => {
  it("ranks armed alerts with a price by the percent still to go", () => {
    const alerts = [
      alert("a1", 1, { ticker: "AAA", threshold: 110 }),
      alert("a2", 1, { ticker: "BBB", threshold: 99 }),
      alert("a3", 1, { ticker: "CCC", threshold: 100.5, state: "triggered" }),
      alert("a4", 1, { ticker: "DDD", threshold: 50 }),
      alert("a5", 1, { ticker: "EEE", threshold: 101 }),
    ];
    const prices: Record<string, number> = { AAA: 100, BBB: 100, CCC: 100, EEE: 100 };
    expect(closestToTriggering(alerts, (t) => prices[t], 2).map((row) => row.alert.id)).toEqual(["a2", "a5"]);
  });
});

describe("seen mark and unseen firings", () => {
  it("counts firings after the mark; the mark only moves forward and is per user", () => {
    const storage = new MemoryStorage();
    expect(readSeenMark(storage, "u1")).toBeNull();
    expect(advanceSeenMark(storage, "u1", 2_000)).toBe(2_000);
    expect(advanceSeenMark(storage, "u1", 1_000)).toBe(2_000);
    expect(readSeenMark(storage, "u2")).toBeNull();
    const firings = [firing("f1", "a1", new Date(1_500)), firing("f2", "a1", new Date(2_500)), firing("f3", "a1", new Date(3_000))];
    expect(unseenCount(firings, readSeenMark(storage, "u1"))).toBe(2);
    expect(unseenCount(firings, null)).toBe(0);
  });
});

describe("claimSound", () => {
  it("lets one tab of the browser claim a firing's sound", () => {
    const storage = new MemoryStorage();
    expect(claimSound(storage, "f1")).toBe(true);
    expect(claimSound(storage, "f1")).toBe(false);
    expect(claimSound(storage, "f2")).toBe(true);
  });

  it("remembers the last 50 firings only", () => {
    const storage = new MemoryStorage();
    for (let i = 0; i < 60; i++) claimSound(storage, `f${i}`);
    expect(JSON.parse(storage.getItem("vo-alerts-sounded")!)).toHaveLength(50);
    expect(claimSound(storage, "f0")).toBe(true);
    expect(claimSound(storage, "f59")).toBe(false);
  });

  it("plays when storage is unusable rather than never", () => {
    expect(claimSound(null, "f1")).toBe(true);
    expect(claimSound({ getItem: () => "{not json", setItem: () => undefined }, "f1")).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { appendTick, changeOver, createPricesStore, mergeTicks, toTick } from "./store";

const tick = (seq: number, price: number, ticker = "AAPL") => ({ ticker, seq, price, at: new Date(1_900_000_000_000 + seq * 1000) });

describe("prices store", () => {
  it("keeps each ticker's highest seq, whatever order ticks arrive in", () => {
    const store = createPricesStore();
    expect(mergeTicks(store, [tick(5, 105), tick(3, 103), tick(1, 50, "MSFT")])).toBe(2);
    expect(mergeTicks(store, [tick(4, 104)])).toBe(0);
    expect(store.get("AAPL")).toMatchObject({ seq: 5, price: 105 });
    expect(mergeTicks(store, [tick(6, 99)])).toBe(1);
    expect(store.get("AAPL")).toMatchObject({ seq: 6, price: 99, version: 6 });
  });

  it("accepts ticks relayed with string dates and drops what is not a tick", () => {
    expect(toTick({ ...tick(2, 10), at: "2030-01-01T00:00:00.000Z" })?.at).toEqual(new Date("2030-01-01T00:00:00.000Z"));
    expect(toTick({ ticker: "AAPL", seq: 0, price: 1, at: new Date() })).toBeNull();
    expect(toTick({ ticker: "AAPL", seq: 1, price: Number.NaN, at: new Date() })).toBeNull();
    expect(toTick({ ticker: "AAPL", seq: 1, price: 1, at: "yesterday" })).toBeNull();
    expect(toTick("AAPL 1")).toBeNull();
  });

  it("appends to a chart only later ticks, and measures the change over it", () => {
    const points = [tick(1, 100), tick(2, 110)];
    expect(appendTick(points, tick(2, 111))).toBe(points);
    expect(appendTick(points, tick(3, 120)).map((t) => t.seq)).toEqual([1, 2, 3]);
    expect(changeOver(points)).toEqual({ delta: 10, percent: 10 });
    expect(changeOver([tick(1, 100)])).toBeNull();
  });
});

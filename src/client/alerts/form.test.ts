import { describe, expect, it } from "vitest";
import { createAlertInput, updateAlertInput, type AlertView } from "@/domain/alerts/schema";
import { schemaFieldErrors } from "../ui/field-errors";
import { changedSince, changesOf, conflictingFields, createInputOf, draftOf, newDraft, parseNumber } from "./form";

const view: AlertView = {
  id: "a1",
  ticker: "AAPL",
  condition: "crossesUp",
  threshold: 190,
  mode: "once",
  cooldownSeconds: 300,
  expiresAt: new Date("2031-03-01T15:30:00Z"),
  note: "half",
  state: "armed",
  stateReason: null,
  triggeredAt: null,
  triggeredPrice: null,
  triggeredTick: null,
  fireCount: 0,
  arming: 1,
  version: 4,
  createdAt: new Date("2030-01-01T00:00:00Z"),
  updatedAt: new Date("2030-01-01T00:00:00Z"),
};

describe("alert form", () => {
  it("reads numbers as traders type them", () => {
    expect(parseNumber("1,234.50")).toBe(1234.5);
    expect(parseNumber(" 190 ")).toBe(190);
    expect(parseNumber("")).toBeNaN();
    expect(parseNumber("abc")).toBeNaN();
  });

  it("shows the expiry as a wall time in the display zone and reads it back", () => {
    const draft = draftOf(view, "Europe/London");
    expect(draft.expiresAt).toBe("2031-03-01T15:30");
    expect(draftOf(view, "America/New_York").expiresAt).toBe("2031-03-01T10:30");
    const input = createInputOf(draft, "Europe/London");
    expect(input.expiresAt).toEqual(view.expiresAt);
  });

  it("leaves an empty cooldown to the server's default, and names each bad field", () => {
    const input = createInputOf({ ...newDraft("msft", undefined), threshold: "410.5" }, "UTC");
    expect(input).toMatchObject({ ticker: "MSFT", threshold: 410.5, note: null, expiresAt: null });
    expect("cooldownSeconds" in input).toBe(false);
    const bad = createInputOf({ ...newDraft("not a ticker", 10), threshold: "-1", cooldownSeconds: "1.5" }, "UTC");
    expect(Object.keys(schemaFieldErrors(createAlertInput, bad) ?? {}).sort()).toEqual(["cooldownSeconds", "threshold", "ticker"]);
  });

  it("sends only the changed fields (numbers compared as numbers; cleared note and expiry as null)", () => {
    const start = draftOf(view, "UTC");
    expect(changesOf(start, { ...start, threshold: "190.00" }, "UTC")).toEqual({});
    expect(changesOf(start, { ...start, threshold: "191", note: " ", expiresAt: "" }, "UTC")).toEqual({ threshold: 191, note: null, expiresAt: null });
    expect(schemaFieldErrors(updateAlertInput, { id: "a1", ...changesOf(start, start, "UTC") })).toEqual({ "(input)": "name at least one field to change" });
  });

  it("calls a save a conflict only when a field it writes changed elsewhere (a firing alone is not one)", () => {
    const start = draftOf(view, "UTC");
    const mine = changesOf(start, { ...start, threshold: "195" }, "UTC");
    const fired = { ...view, version: 5, state: "triggered" as const, fireCount: 1 };
    expect(changedSince(start, fired, "UTC")).toEqual([]);
    expect(conflictingFields(start, mine, fired, "UTC")).toEqual([]);
    const moved = { ...view, version: 5, threshold: 200, note: "all" };
    expect(changedSince(start, moved, "UTC")).toEqual(["threshold", "note"]);
    expect(conflictingFields(start, mine, moved, "UTC")).toEqual(["threshold"]);
  });
});

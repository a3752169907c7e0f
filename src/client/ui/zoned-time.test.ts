import { describe, expect, it } from "vitest";
import { fromWallTime, toWallTime } from "./zoned-time";

describe("wall times in the display zone", () => {
  it("round-trips in zones on both sides of UTC, across DST", () => {
    for (const zone of ["UTC", "Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Adelaide"]) {
      for (const iso of ["2031-01-15T09:45:00Z", "2031-07-15T22:10:00Z"]) {
        const date = new Date(iso);
        expect(fromWallTime(toWallTime(date, zone), zone)?.toISOString(), `${zone} ${iso}`).toBe(iso.replace("Z", ".000Z"));
      }
    }
  });

  it("reads the zone's wall time, not the browser's", () => {
    expect(fromWallTime("2031-03-01T09:00", "America/New_York")?.toISOString()).toBe("2031-03-01T14:00:00.000Z");
    expect(fromWallTime("2031-07-01T09:00", "Europe/London")?.toISOString()).toBe("2031-07-01T08:00:00.000Z");
  });

  it("is null when empty and an invalid date when not a wall time", () => {
    expect(fromWallTime("", "UTC")).toBeNull();
    expect(Number.isNaN(fromWallTime("tomorrow", "UTC")!.getTime())).toBe(true);
  });
});

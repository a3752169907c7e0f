import { describe, expect, it } from "vitest";
import { describeCron, digestLines, describeInterval, describeMisfire, describeParams, describeSchedule, formatAgo, formatCountdown, formatDuration, paramLabel } from "./meta";

describe("describeSchedule", () => {
  it("says a daily cron (five fields, or six with seconds) as a time of day in its zone", () => {
    expect(describeSchedule({ cron: "0 8 * * *", timeZone: "Europe/London" })).toBe("every day at 08:00, Europe/London");
    expect(describeSchedule({ cron: "0 0 8 * * *", timeZone: "Europe/London" })).toBe("every day at 08:00, Europe/London");
    expect(describeSchedule({ cron: "30 0 8 * * *", timeZone: "UTC" })).toBe("every day at 08:00:30, UTC");
    expect(describeSchedule({ cron: "0 8,17 * * *", timeZone: "Asia/Tokyo" })).toBe("every day at 08:00 and 17:00, Asia/Tokyo");
    expect(describeSchedule({ cron: "30 1 * * *", timeZone: "Europe/London" })).toBe("every day at 01:30, Europe/London");
  });

  it("names the days of a weekly cron, by number or by name", () => {
    expect(describeCron("30 17 * * 1-5", "America/New_York")).toBe("Monday to Friday at 17:30, America/New_York");
    expect(describeCron("30 17 * * MON-FRI", "America/New_York")).toBe("Monday to Friday at 17:30, America/New_York");
    expect(describeCron("0 9 * * 1", "UTC")).toBe("every Monday at 09:00, UTC");
    expect(describeCron("0 9 * * 1,3,5", "UTC")).toBe("every Monday, Wednesday and Friday at 09:00, UTC");
    expect(describeCron("0 10 * * 0,6", "UTC")).toBe("every Saturday and Sunday at 10:00, UTC");
    expect(describeCron("0 10 * * 7", "UTC")).toBe("every Sunday at 10:00, UTC");
    expect(describeCron("0 10 * * 0-6", "UTC")).toBe("every day at 10:00, UTC");
  });

  it("says monthly days as ordinals", () => {
    expect(describeCron("0 6 1 * *", "UTC")).toBe("on the 1st of every month at 06:00, UTC");
    expect(describeCron("0 6 1,15 * *", "UTC")).toBe("on the 1st and 15th of every month at 06:00, UTC");
  });

  it("says intervals without a zone, except every N hours (which depends on it)", () => {
    expect(describeCron("* * * * *", "UTC")).toBe("every minute");
    expect(describeCron("*/5 * * * *", "Europe/London")).toBe("every 5 minutes");
    expect(describeCron("*/10 * * * * *", "Europe/London")).toBe("every 10 seconds");
    expect(describeCron("* * * * * *", "UTC")).toBe("every second");
    expect(describeCron("0 * * * *", "UTC")).toBe("every hour, on the hour");
    expect(describeCron("15 * * * *", "UTC")).toBe("every hour, at :15");
    expect(describeCron("0 */2 * * *", "Europe/London")).toBe("every 2 hours, on the hour, Europe/London");
    expect(describeCron("@hourly", "UTC")).toBe("every hour, on the hour");
    expect(describeCron("@daily", "Europe/Paris")).toBe("every day at 00:00, Europe/Paris");
  });

  it("quotes what it does not know how to say rather than guessing", () => {
    expect(describeCron("0 8 1-7 * 1", "Europe/London")).toBe("cron “0 8 1-7 * 1”, Europe/London");
    expect(describeCron("0 8 * 1 *", "UTC")).toBe("cron “0 8 * 1 *”, UTC");
    expect(describeCron("0 9-17 * * 1-5", "UTC")).toBe("cron “0 9-17 * * 1-5”, UTC");
    expect(describeCron("0 0 12 L * *", "UTC")).toBe("cron “0 0 12 L * *”, UTC");
    expect(describeCron("0 0 8 * * 1#2", "UTC")).toBe("cron “0 0 8 * * 1#2”, UTC");
    expect(describeCron("0 0,5,10,15,20 * * *", "UTC")).toBe("cron “0 0,5,10,15,20 * * *”, UTC");
  });

  it("says everySeconds in the largest whole unit", () => {
    expect(describeInterval(1)).toBe("every second");
    expect(describeInterval(30)).toBe("every 30 seconds");
    expect(describeInterval(90)).toBe("every 90 seconds");
    expect(describeInterval(60)).toBe("every minute");
    expect(describeInterval(900)).toBe("every 15 minutes");
    expect(describeInterval(3_600)).toBe("every hour");
    expect(describeInterval(7_200)).toBe("every 2 hours");
    expect(describeInterval(86_400)).toBe("every day");
    expect(describeSchedule({ everySeconds: 5_400 })).toBe("every 90 minutes");
  });
});

describe("formatCountdown", () => {
  it("counts down to the second, rounded up, and says 'due now' at the moment", () => {
    expect(formatCountdown(45_000)).toBe("in 45 s");
    expect(formatCountdown(44_001)).toBe("in 45 s");
    expect(formatCountdown(1)).toBe("in 1 s");
    expect(formatCountdown(0)).toBe("due now");
    expect(formatCountdown(-3_000)).toBe("due now");
    expect(formatCountdown(Number.NaN)).toBe("due now");
    expect(formatCountdown(245_000)).toBe("in 4 min 05 s");
    expect(formatCountdown((2 * 3600 + 14 * 60 + 5) * 1000)).toBe("in 2 h 14 min 05 s");
    expect(formatCountdown((3 * 86_400 + 4 * 3600 + 12 * 60 + 30) * 1000)).toBe("in 3 d 4 h 12 min");
  });
});

describe("formatDuration", () => {
  it("reads well from milliseconds to hours", () => {
    expect(formatDuration(120)).toBe("120 ms");
    expect(formatDuration(2_460)).toBe("2.4 s");
    expect(formatDuration(192_000)).toBe("3 min 12 s");
    expect(formatDuration(3_900_000)).toBe("1 h 05 min");
    expect(formatDuration(-1)).toBe("");
  });
});

describe("formatAgo", () => {
  it("says how long ago in the largest whole unit", () => {
    expect(formatAgo(400)).toBe("just now");
    expect(formatAgo(-5_000)).toBe("just now");
    expect(formatAgo(12_500)).toBe("12 s ago");
    expect(formatAgo(5 * 60_000 + 10)).toBe("5 min ago");
    expect(formatAgo(2 * 3_600_000)).toBe("2 h ago");
    expect(formatAgo(3 * 86_400_000)).toBe("3 d ago");
  });
});

describe("describeParams and describeMisfire", () => {
  it("say a job's settings in words", () => {
    expect(describeParams({ periodHours: 24 })).toEqual(["covers the last 24 hours"]);
    expect(describeParams({ periodHours: 1 })).toEqual(["covers the last hour"]);
    expect(describeParams({ maxItems: 5, side: "buy" })).toEqual(["Max items: 5", "Side: buy"]);
    expect(describeMisfire({ policy: "runOnce" })).toBe("missed runs are made up once");
    expect(describeMisfire({ policy: "catchUp", maxRuns: 3 })).toBe("missed runs are each made up (at most 3)");
  });
});

describe("paramLabel", () => {
  it("has a label for known params and words for others", () => {
    expect(paramLabel("periodHours")).toBe("Period (hours)");
    expect(paramLabel("maxItems")).toBe("Max items");
  });
});

describe("digestLines", () => {
  const base = { jobId: "j", runId: "r", from: new Date(0), to: new Date(3_600_000), changes: 0, settings: [], providerSwitches: [], providerChanges: { added: 0, updated: 0, deleted: 0 }, profile: [] };
  it("says so when nothing changed, and lists each area that did", () => {
    expect(digestLines(base)).toEqual(["No changes in the period."]);
    expect(
      digestLines({
        ...base,
        changes: 5,
        settings: [{ key: "theme", changes: 2 }],
        profile: [{ field: "bio", changes: 1 }],
        providerChanges: { added: 1, updated: 0, deleted: 0 },
        providerSwitches: [{ providerId: "p", name: "OpenAI", at: new Date(0) }],
      }),
    ).toEqual(["Settings: theme ×2", "Profile: bio ×1", "Providers: 1 added, 0 updated, 0 deleted", "Switched to OpenAI"]);
  });
});

import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { jobScheduleSchema, JOB_KINDS, traderJobKinds, type JobSchedule, type JobView } from "@/domain/jobs/schema";
import {
  conflictCurrent,
  defaultScheduleDraft,
  draftOfSchedule,
  paramFields,
  paramsOfValues,
  sameSchedule,
  scheduleErrorField,
  scheduleOfDraft,
  schemaErrors,
  serverFieldErrors,
  type ScheduleDraft,
} from "./form";
import { describeSchedule } from "./meta";

const draft = (fields: Partial<ScheduleDraft>): ScheduleDraft => ({ ...defaultScheduleDraft("Europe/London"), ...fields });
const scheduleOf = (d: ScheduleDraft) => {
  const built = scheduleOfDraft(d);
  return "schedule" in built ? jobScheduleSchema.parse(built.schedule) : built.errors;
};

describe("schedule drafts", () => {
  it("a time of day on some days becomes a five-field cron in the draft's zone", () => {
    expect(scheduleOf(draft({ time: "08:00" }))).toEqual({ cron: "0 8 * * *", timeZone: "Europe/London" });
    expect(scheduleOf(draft({ time: "17:30", days: "1-5", timeZone: "America/New_York" }))).toEqual({ cron: "30 17 * * 1-5", timeZone: "America/New_York" });
    expect(scheduleOf(draft({ time: "8am" }))).toEqual({ "schedule.time": "a time of day, like 08:00" });
    expect(scheduleOf(draft({ time: "24:00" }))).toEqual({ "schedule.time": "a time of day, like 08:00" });
  });

  it("an interval becomes everySeconds; a non-number is named", () => {
    expect(scheduleOf(draft({ mode: "interval", every: "15", unit: "minutes" }))).toEqual({ everySeconds: 900 });
    expect(scheduleOf(draft({ mode: "interval", every: "2", unit: "hours" }))).toEqual({ everySeconds: 7_200 });
    expect(scheduleOf(draft({ mode: "interval", every: "0" }))).toEqual({ "schedule.everySeconds": "a whole number, at least 1" });
    expect(scheduleOf(draft({ mode: "interval", every: "1.5" }))).toEqual({ "schedule.everySeconds": "a whole number, at least 1" });
  });

  it("opens a stored schedule in the mode that shows it best, and builds the same schedule back", () => {
    for (const schedule of [
      { cron: "0 8 * * *", timeZone: "Europe/London" },
      { cron: "30 17 * * 1-5", timeZone: "America/New_York" },
      { cron: "0 0 8 * * 0,6", timeZone: "Asia/Tokyo" },
      { cron: "0 8 1-7 * 1", timeZone: "UTC" },
      { cron: "*/10 * * * * *", timeZone: "UTC" },
      { everySeconds: 45 },
      { everySeconds: 900 },
      { everySeconds: 7_200 },
    ]) {
      // The same schedule, whatever the spelling (six fields with 0 seconds open as five).
      const rebuilt = scheduleOf(draftOfSchedule(schedule, "UTC")) as JobSchedule;
      expect(describeSchedule(rebuilt), JSON.stringify(schedule)).toBe(describeSchedule(jobScheduleSchema.parse(schedule)));
    }
    expect(draftOfSchedule({ cron: "0 8 * * *", timeZone: "Europe/London" }, "UTC")).toMatchObject({ mode: "daily", time: "08:00", days: "*", timeZone: "Europe/London" });
    expect(draftOfSchedule({ cron: "0 0 8 * * 0,6", timeZone: "Asia/Tokyo" }, "UTC")).toMatchObject({ mode: "daily", time: "08:00", days: "0,6" });
    expect(draftOfSchedule({ cron: "0 8 1-7 * 1", timeZone: "UTC" }, "Europe/London")).toMatchObject({ mode: "cron", cron: "0 8 1-7 * 1", timeZone: "UTC" });
    expect(draftOfSchedule({ everySeconds: 900 }, "UTC")).toMatchObject({ mode: "interval", every: "15", unit: "minutes" });
    expect(draftOfSchedule({ everySeconds: 45 }, "UTC")).toMatchObject({ mode: "interval", every: "45", unit: "seconds" });
    expect(draftOfSchedule({ everySeconds: 7_200 }, "Europe/Paris")).toMatchObject({ mode: "interval", every: "2", unit: "hours", timeZone: "Europe/Paris" });
  });

  it("shows the API's schedule errors beside the field the trader typed in", () => {
    expect(scheduleErrorField("schedule.cron", "daily")).toBe("time");
    expect(scheduleErrorField("schedule.cron", "cron")).toBe("cron");
    expect(scheduleErrorField("schedule.timeZone", "cron")).toBe("timeZone");
    expect(scheduleErrorField("schedule.everySeconds", "interval")).toBe("every");
    expect(scheduleErrorField("name", "cron")).toBeNull();
  });

  it("sameSchedule ignores spacing in a cron, not its zone", () => {
    expect(sameSchedule({ cron: "0 8  * * *", timeZone: "UTC" }, { cron: "0 8 * * *", timeZone: "UTC" })).toBe(true);
    expect(sameSchedule({ cron: "0 8 * * *", timeZone: "UTC" }, { cron: "0 8 * * *", timeZone: "Europe/London" })).toBe(false);
    expect(sameSchedule({ everySeconds: 60 }, { cron: "* * * * *", timeZone: "UTC" })).toBe(false);
  });
});

describe("a kind's params", () => {
  const digest = traderJobKinds().find((kind) => kind.kind === "digest")!;

  it("become fields with their type, default and range, from jobs.kinds' JSON Schema", () => {
    expect(paramFields(digest.paramsSchema)).toEqual([{ name: "periodHours", type: "integer", defaultValue: "24", minimum: 1, maximum: 168 }]);
    expect(paramFields({ properties: { side: { enum: ["buy", "sell"] }, loud: { type: "boolean", default: true }, nested: { type: "object" } } })).toEqual([
      { name: "side", type: "enum", defaultValue: "buy", options: ["buy", "sell"] },
      { name: "loud", type: "boolean", defaultValue: true },
    ]);
  });

  it("are sent as numbers where numbers are asked for; an empty field is left to its default; a bad one is named by the kind's schema", () => {
    const fields = paramFields(digest.paramsSchema);
    expect(paramsOfValues(fields, { periodHours: "48" })).toEqual({ periodHours: 48 });
    expect(paramsOfValues(fields, { periodHours: " " })).toEqual({});
    expect(schemaErrors(JOB_KINDS.digest.params, paramsOfValues(fields, { periodHours: "0" }), "params.")).toEqual({ "params.periodHours": "at least 1 hour" });
    expect(schemaErrors(JOB_KINDS.digest.params, paramsOfValues(fields, { periodHours: "2.5" }), "params.")).toEqual({ "params.periodHours": "whole hours" });
  });
});

describe("server errors", () => {
  const serverError = (code: string, data: object) => TRPCClientError.from({ error: { message: code, code: -32600, data: { code, httpStatus: 400, ...data } } });
  const at = new Date("2026-01-02T03:04:05.000Z");
  const stored: JobView = {
    id: "j1",
    name: "Digest",
    kind: "digest",
    schedule: { cron: "0 8 * * *", timeZone: "Europe/London" },
    params: { periodHours: 24 },
    paused: false,
    misfirePolicy: { policy: "runOnce" },
    nextRunAt: at,
    lastRunAt: null,
    lastStatus: null,
    version: 3,
    createdAt: at,
    updatedAt: at,
  };

  it("BAD_REQUEST field errors by the API's names, first message each", () => {
    const error = serverError("BAD_REQUEST", { fieldErrors: { "schedule.cron": ["not a cron expression", "other"], "params.periodHours": ["at least 1 hour"] } });
    expect(serverFieldErrors(error)).toEqual({ "schedule.cron": "not a cron expression", "params.periodHours": "at least 1 hour" });
    expect(serverFieldErrors(new Error("network"))).toBeNull();
  });

  it("the current job a CONFLICT carries, dates as strings or not", () => {
    expect(conflictCurrent(serverError("CONFLICT", { details: { current: JSON.parse(JSON.stringify(stored)) } }))).toEqual(stored);
    expect(conflictCurrent(serverError("CONFLICT", { details: { current: stored } }))).toEqual(stored);
    expect(conflictCurrent(serverError("CONFLICT", {}))).toBeNull();
  });
});

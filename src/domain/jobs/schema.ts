import { z } from "zod";
import { requestIdSchema } from "../receipts/schema";
import { columnIntSchema, isIanaTimeZone } from "../validation";
import { cronProblem, type JobSchedule, type MisfirePolicy } from "./lib/schedule";

export type { JobSchedule, MisfirePolicy } from "./lib/schedule";

export const JOB_NAME_MAX = 80;
export const CRON_MAX = 120;
export const TIME_ZONE_MAX = 64;
/** A year and a day, in seconds. */
export const EVERY_SECONDS_MAX = 31_622_400;
export const CATCH_UP_MAX_RUNS = 100;
export const CATCH_UP_DEFAULT_RUNS = 10;
export const RUNS_PAGE_MAX = 200;
/** The owner key of jobs the product runs for itself (not listed to traders). */
export const SYSTEM_OWNER = "system";

/**
 * Every kind of job: its params schema and a description. `trader` kinds can be
 * registered through the API; `system` kinds are the product's own maintenance
 * (registered at start, never listed); `internal` kinds exist for drills and
 * tests and are never offered. Handlers live in src/worker/jobs/kinds/, one
 * file per kind, mapped by src/worker/jobs/kinds/index.ts (a kind without a
 * handler does not compile).
 */
export const JOB_KINDS = {
  digest: {
    audience: "trader",
    description: "A summary of your last period — settings changed, provider switches, profile edits — delivered as a notification.",
    params: z.strictObject({
      periodHours: z.number().int("whole hours").min(1, "at least 1 hour").max(168, "at most 168 hours (a week)").default(24),
    }),
  },
  "event-retention": {
    audience: "system",
    description: "Deletes events older than EVENT_RETENTION_HOURS (default 168).",
    params: z.strictObject({}),
  },
  "receipt-pruning": {
    audience: "system",
    description: "Deletes idempotency receipts older than RECEIPT_RETENTION_HOURS (default 24) and expired sign-in failure counters.",
    params: z.strictObject({}),
  },
  "provider-key-rotation": {
    audience: "system",
    description: "Re-encrypts stored provider API keys under the current secret while VO_PROVIDER_KEY_PREVIOUS is set.",
    params: z.strictObject({}),
  },
  "alert-sweep": {
    audience: "system",
    description: "Evaluates ticks a dead process left unevaluated, fires alerts armed while the price already met them, and expires alerts past their expiry.",
    params: z.strictObject({}),
  },
  "price-feed": {
    audience: "system",
    description: "The simulated price feed: one random-walk tick for every ticker in some watchlist or alert (off with VO_SIMULATED_FEED=off).",
    params: z.strictObject({}),
  },
  "price-retention": {
    audience: "system",
    description: "Deletes ticks older than PRICE_RETENTION_HOURS (default 168), never a ticker's last tick or one not yet evaluated.",
    params: z.strictObject({}),
  },
  sleep: {
    audience: "internal",
    description: "Holds its run for `ms` milliseconds, then succeeds (or fails with `fail: true`); for drills and tests.",
    params: z.strictObject({
      ms: z.number().int().min(0).max(3_600_000).default(0),
      fail: z.boolean().default(false),
    }),
  },
} as const;

export type JobKind = keyof typeof JOB_KINDS;
export type JobParams<K extends JobKind = JobKind> = z.output<(typeof JOB_KINDS)[K]["params"]>;
export const JOB_KIND_NAMES = Object.keys(JOB_KINDS) as JobKind[];
export const TRADER_JOB_KINDS = JOB_KIND_NAMES.filter((kind) => JOB_KINDS[kind].audience === "trader");

export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(JOB_KINDS, kind);
}

const jobId = z.string().min(1, "required").max(64, "not a job id");
const name = z.string().trim().min(1, "must not be empty").max(JOB_NAME_MAX, `at most ${JOB_NAME_MAX} characters`);

/**
 * `{cron, timeZone?}` (timeZone defaults to UTC) or `{everySeconds}`. One object
 * with optional fields rather than a union, so that errors name the field
 * (`schedule.cron`, `schedule.timeZone`).
 */
export const jobScheduleSchema = z
  .strictObject({
    cron: z.string().trim().min(1, "must not be empty").max(CRON_MAX, `at most ${CRON_MAX} characters`).optional(),
    timeZone: z
      .string()
      .max(TIME_ZONE_MAX, `at most ${TIME_ZONE_MAX} characters`)
      .refine(isIanaTimeZone, "not an IANA time zone (e.g. Europe/London)")
      .optional(),
    everySeconds: columnIntSchema(1).max(EVERY_SECONDS_MAX, `at most ${EVERY_SECONDS_MAX} (a year)`).optional(),
  })
  .superRefine((schedule, ctx) => {
    if ((schedule.cron === undefined) === (schedule.everySeconds === undefined)) {
      ctx.addIssue({ code: "custom", path: ["cron"], message: "give either cron (with an optional timeZone) or everySeconds" });
      return;
    }
    if (schedule.everySeconds !== undefined && schedule.timeZone !== undefined) {
      ctx.addIssue({ code: "custom", path: ["timeZone"], message: "only with cron" });
      return;
    }
    if (schedule.cron !== undefined) {
      const problem = cronProblem(schedule.cron, schedule.timeZone ?? "UTC");
      if (problem) ctx.addIssue({ code: "custom", path: [problem.field], message: problem.message });
    }
  })
  .transform((schedule): JobSchedule =>
    schedule.cron !== undefined ? { cron: schedule.cron, timeZone: schedule.timeZone ?? "UTC" } : { everySeconds: schedule.everySeconds! },
  );

export const misfirePolicySchema = z
  .strictObject({
    policy: z.enum(["skip", "runOnce", "catchUp"]),
    maxRuns: columnIntSchema(1).max(CATCH_UP_MAX_RUNS, `at most ${CATCH_UP_MAX_RUNS}`).optional(),
  })
  .superRefine((misfire, ctx) => {
    if (misfire.policy !== "catchUp" && misfire.maxRuns !== undefined) ctx.addIssue({ code: "custom", path: ["maxRuns"], message: "only with catchUp" });
  })
  .transform((misfire): MisfirePolicy =>
    misfire.policy === "catchUp" ? { policy: "catchUp", maxRuns: misfire.maxRuns ?? CATCH_UP_DEFAULT_RUNS } : { policy: misfire.policy },
  );

/** Params are checked against the kind's own schema by the domain (errors under `params.<field>`). */
const params = z.record(z.string().max(64), z.unknown());

export const registerJobInput = z.strictObject({
  name,
  kind: z.string().min(1, "required").max(64, "not a kind"),
  schedule: jobScheduleSchema,
  params: params.optional(),
  paused: z.boolean().optional(),
  misfirePolicy: misfirePolicySchema.optional(),
  requestId: requestIdSchema.optional(),
});

export const jobIdInput = z.strictObject({ id: jobId });

export const jobVersionedInput = z.strictObject({
  id: jobId,
  expectedVersion: columnIntSchema(1).optional(),
  requestId: requestIdSchema.optional(),
});

export const triggerJobInput = z.strictObject({
  id: jobId,
  requestId: requestIdSchema.optional(),
});

export const updateScheduleInput = z.strictObject({
  id: jobId,
  schedule: jobScheduleSchema,
  expectedVersion: columnIntSchema(1).optional(),
  requestId: requestIdSchema.optional(),
});

export const updateJobInput = z
  .strictObject({
    id: jobId,
    name: name.optional(),
    params: params.optional(),
    misfirePolicy: misfirePolicySchema.optional(),
    expectedVersion: columnIntSchema(1).optional(),
    requestId: requestIdSchema.optional(),
  })
  .refine(
    (input) => input.name !== undefined || input.params !== undefined || input.misfirePolicy !== undefined,
    "name at least one field to change (name, params, misfirePolicy)",
  );

export const jobRunsInput = z.strictObject({
  id: jobId,
  /** From the previous page's `nextCursor`. */
  cursor: z.string().regex(/^\d{1,15}$/, "a cursor from the previous page").optional(),
  limit: z.number().int().min(1).max(RUNS_PAGE_MAX, `at most ${RUNS_PAGE_MAX}`).optional(),
});

export type RegisterJobInput = z.input<typeof registerJobInput>;
export type JobIdInput = z.input<typeof jobIdInput>;
export type JobVersionedInput = z.input<typeof jobVersionedInput>;
export type TriggerJobInput = z.input<typeof triggerJobInput>;
export type UpdateScheduleInput = z.input<typeof updateScheduleInput>;
export type UpdateJobInput = z.input<typeof updateJobInput>;
export type JobRunsInput = z.input<typeof jobRunsInput>;

export const jobRunStatuses = ["pending", "running", "succeeded", "failed", "abandoned"] as const;
export type JobRunStatus = (typeof jobRunStatuses)[number];
export const jobRunReasons = ["schedule", "manual", "catchUp", "takeover"] as const;
export type JobRunReason = (typeof jobRunReasons)[number];

const scheduleView = z.union([
  z.strictObject({ cron: z.string(), timeZone: z.string() }),
  z.strictObject({ everySeconds: z.number().int() }),
]);
const misfireView = z.union([
  z.strictObject({ policy: z.enum(["skip", "runOnce"]) }),
  z.strictObject({ policy: z.literal("catchUp"), maxRuns: z.number().int() }),
]);

/**
 * A job as every read, write and `job.*` event carries it. `version` counts the
 * trader's edits; nextRunAt / lastRunAt / lastStatus move with the scheduler
 * (without a version bump) and reach live clients in `jobRun.*` events.
 */
export const jobViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  schedule: scheduleView,
  params: z.record(z.string(), z.unknown()),
  paused: z.boolean(),
  misfirePolicy: misfireView,
  nextRunAt: z.date().nullable(),
  lastRunAt: z.date().nullable(),
  lastStatus: z.enum(jobRunStatuses).nullable(),
  version: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type JobView = z.output<typeof jobViewSchema>;

export const jobRunViewSchema = z.strictObject({
  id: z.string(),
  jobId: z.string(),
  scheduledFor: z.date(),
  reason: z.enum(jobRunReasons),
  status: z.enum(jobRunStatuses),
  /** 0 while pending; 1 for the first runner, +1 per takeover. */
  attempt: z.number().int(),
  /** "host:pid" of the process running (or that ran) it. */
  runner: z.string().nullable(),
  leaseUntil: z.date().nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  error: z.string().nullable(),
  result: z.unknown().nullable(),
  /** +1 on every change of status, runner or attempt (lease renewals excepted). */
  version: z.number().int(),
  createdAt: z.date(),
});
export type JobRunView = z.output<typeof jobRunViewSchema>;

export const jobRunsPageSchema = z.strictObject({
  runs: z.array(jobRunViewSchema),
  nextCursor: z.string().nullable(),
});
export type JobRunsPage = z.output<typeof jobRunsPageSchema>;

export const jobKindViewSchema = z.strictObject({
  kind: z.string(),
  description: z.string(),
  /** JSON Schema of the kind's params (what a form or a script fills in). */
  paramsSchema: z.record(z.string(), z.unknown()),
});
export type JobKindView = z.output<typeof jobKindViewSchema>;

/** The scheduler's fields of a job, as `jobRun.*` events carry them. */
export const jobRuntimeSchema = z.strictObject({
  id: z.string(),
  nextRunAt: z.date().nullable(),
  lastRunAt: z.date().nullable(),
  lastStatus: z.enum(jobRunStatuses).nullable(),
});
export type JobRuntime = z.output<typeof jobRuntimeSchema>;

export const jobRunEventPayloadSchema = z.object({ run: jobRunViewSchema, job: jobRuntimeSchema });
export type JobRunEventPayload = z.output<typeof jobRunEventPayloadSchema>;

/** The kinds a trader can register, for `jobs.kinds`. */
export function traderJobKinds(): JobKindView[] {
  return TRADER_JOB_KINDS.map((kind) => ({
    kind,
    description: JOB_KINDS[kind].description,
    paramsSchema: z.toJSONSchema(JOB_KINDS[kind].params, { io: "input" }) as Record<string, unknown>,
  }));
}

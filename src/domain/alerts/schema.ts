import { z } from "zod";
import { priceSchema, tickerSchema } from "../prices/schema";
import { requestIdSchema } from "../receipts/schema";
import { columnIntSchema } from "../validation";

export const alertConditions = ["above", "below", "crossesUp", "crossesDown"] as const;
export const alertModes = ["once", "rearm"] as const;
export const alertStates = ["armed", "triggered", "expired", "disabled"] as const;
export type AlertCondition = (typeof alertConditions)[number];
export type AlertMode = (typeof alertModes)[number];
export type AlertState = (typeof alertStates)[number];

export const NOTE_MAX = 500;
export const COOLDOWN_MAX_SECONDS = 86_400;
export const ALERTS_PER_USER_MAX = 1000;
/** The runaway guard: an alert that fires this many times within the window (tick time) is disabled, and says so. */
export const RUNAWAY_MAX_FIRINGS = 10;
export const RUNAWAY_WINDOW_SECONDS = 60;
export const FIRINGS_PAGE_MAX = 200;

const alertId = z.string().min(1, "required").max(64, "not an alert id");
const cooldownSeconds = z.number().int("whole seconds").min(0, "at least 0").max(COOLDOWN_MAX_SECONDS, "at most one day (86400 s)");
const note = z.string().trim().max(NOTE_MAX, `at most ${NOTE_MAX} characters`);
const expiresAt = z.coerce
  .date({ error: "a date" })
  .refine((date) => !Number.isNaN(date.getTime()), "not a date")
  .refine((date) => date.getTime() > Date.now(), "must be in the future")
  .refine((date) => date.getUTCFullYear() < 2100, "must be before 2100");

export const createAlertInput = z.strictObject({
  ticker: tickerSchema,
  condition: z.enum(alertConditions),
  threshold: priceSchema,
  mode: z.enum(alertModes).default("once"),
  /** Default: the user's alertCooldownSeconds setting. */
  cooldownSeconds: cooldownSeconds.optional(),
  expiresAt: expiresAt.nullish(),
  note: note.nullish(),
  requestId: requestIdSchema.optional(),
});
export type CreateAlertInput = z.input<typeof createAlertInput>;

export const updateAlertInput = z
  .strictObject({
    id: alertId,
    condition: z.enum(alertConditions).optional(),
    threshold: priceSchema.optional(),
    mode: z.enum(alertModes).optional(),
    cooldownSeconds: cooldownSeconds.optional(),
    /** null clears it. */
    expiresAt: expiresAt.nullish(),
    note: note.nullish(),
    expectedVersion: columnIntSchema(1).optional(),
    requestId: requestIdSchema.optional(),
  })
  .refine(
    (input) => [input.condition, input.threshold, input.mode, input.cooldownSeconds, input.expiresAt, input.note].some((v) => v !== undefined),
    "name at least one field to change",
  );
export type UpdateAlertInput = z.input<typeof updateAlertInput>;

export const alertActionInput = z.strictObject({
  id: alertId,
  expectedVersion: columnIntSchema(1).optional(),
  requestId: requestIdSchema.optional(),
});
export type AlertActionInput = z.input<typeof alertActionInput>;

export const firingsInput = z
  .strictObject({
    id: alertId.optional(),
    /** The `id` of the last firing of the previous page. */
    cursor: z.string().min(1).max(64).optional(),
    limit: z.number().int().min(1).max(FIRINGS_PAGE_MAX).default(50),
  })
  .optional();
export type FiringsInput = z.input<typeof firingsInput>;

export const alertViewSchema = z.strictObject({
  id: z.string(),
  ticker: z.string(),
  condition: z.enum(alertConditions),
  threshold: z.number(),
  mode: z.enum(alertModes),
  cooldownSeconds: z.number().int(),
  expiresAt: z.date().nullable(),
  note: z.string().nullable(),
  state: z.enum(alertStates),
  /** Why the alert is not armed, in words (e.g. the runaway guard). */
  stateReason: z.string().nullable(),
  triggeredAt: z.date().nullable(),
  triggeredPrice: z.number().nullable(),
  /** The sequence number (in its ticker) of the tick that fired it last. */
  triggeredTick: z.number().int().nullable(),
  fireCount: z.number().int(),
  arming: z.number().int(),
  version: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type AlertView = z.infer<typeof alertViewSchema>;

/** One firing, with the exact tick that caused it. */
export const firingViewSchema = z.strictObject({
  id: z.string(),
  alertId: z.string(),
  arming: z.number().int(),
  ticker: z.string(),
  tickSeq: z.number().int(),
  price: z.number(),
  tickAt: z.date(),
  firedAt: z.date(),
});
export type FiringView = z.infer<typeof firingViewSchema>;

export const firingsPageSchema = z.strictObject({ firings: z.array(firingViewSchema), nextCursor: z.string().nullable() });
export type FiringsPage = z.infer<typeof firingsPageSchema>;

/** Payload of `alert.fired`: the alert after the firing, and the firing. */
export const alertFiredPayloadSchema = z.object({ alert: alertViewSchema, firing: firingViewSchema });

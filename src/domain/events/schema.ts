import { z } from "zod";
import { alertFiredPayloadSchema, alertViewSchema } from "../alerts/schema";
import { digestSchema } from "../digests/schema";
import { jobRunEventPayloadSchema, jobViewSchema } from "../jobs/schema";
import { profileEventPayloadSchema } from "../profile/schema";
import { providerEventPayloadSchema } from "../providers/schema";
import { settingViewSchema } from "../settings/schema";
import { tokenViewSchema } from "../tokens/schema";
import { INT32_MAX } from "../validation";

/** One entry of a user's event log as it leaves the server. */
export interface LoggedEvent {
  /** The per-user sequence number as a string (SSE `id`, `lastEventId`). */
  id: string;
  seq: number;
  type: string;
  entity: string;
  entityId: string;
  version: number;
  payload: unknown;
  createdAt: Date;
}

/**
 * Every event the log can hold: `<entity>.<verb in the past tense>` → payload
 * schema. Writers can append only these (NewEvent), and the browser parses
 * payloads with the same schemas (parseEventPayload). A new domain adds its
 * entries here.
 */
export const eventPayloadSchemas = {
  "setting.saved": settingViewSchema,
  "setting.deleted": settingViewSchema,
  "setting.reverted": settingViewSchema,
  "profile.updated": profileEventPayloadSchema,
  "provider.added": providerEventPayloadSchema,
  "provider.updated": providerEventPayloadSchema,
  "provider.activated": providerEventPayloadSchema,
  "provider.deleted": providerEventPayloadSchema,
  "token.created": tokenViewSchema,
  "token.revoked": tokenViewSchema,
  "session.revoked": z.object({ id: z.string() }),
  "job.registered": jobViewSchema,
  "job.updated": jobViewSchema,
  "job.rescheduled": jobViewSchema,
  "job.paused": jobViewSchema,
  "job.resumed": jobViewSchema,
  "job.deleted": jobViewSchema,
  "jobRun.requested": jobRunEventPayloadSchema,
  "jobRun.started": jobRunEventPayloadSchema,
  "jobRun.finished": jobRunEventPayloadSchema,
  "digest.delivered": digestSchema,
  "alert.created": alertViewSchema,
  "alert.updated": alertViewSchema,
  "alert.rearmed": alertViewSchema,
  "alert.disabled": alertViewSchema,
  "alert.enabled": alertViewSchema,
  "alert.expired": alertViewSchema,
  "alert.deleted": alertViewSchema,
  "alert.fired": alertFiredPayloadSchema,
} as const;

export type EventType = keyof typeof eventPayloadSchemas;
export type EventEntity = EventType extends `${infer E}.${string}` ? E : never;
type EntityOf<T extends EventType> = T extends `${infer E}.${string}` ? E : never;

/** What a write transaction appends; seq and time are assigned by the log. */
export type NewEvent = {
  [T in EventType]: {
    type: T;
    entity: EntityOf<T>;
    entityId: string;
    version: number;
    payload: z.input<(typeof eventPayloadSchemas)[T]>;
  };
}[EventType];

/** A logged event's payload checked against its type's schema, or null (unknown type, or not that shape). */
export function parseEventPayload<T extends EventType>(type: T, payload: unknown): z.output<(typeof eventPayloadSchemas)[T]> | null {
  const schema = eventPayloadSchemas[type] as z.ZodType | undefined;
  if (!schema) return null;
  const parsed = schema.safeParse(payload);
  return parsed.success ? (parsed.data as z.output<(typeof eventPayloadSchemas)[T]>) : null;
}

/**
 * Sent instead of events when the client's `lastEventId` is older than the
 * retained log (pruned) or ahead of it (another database): the client must
 * refetch everything, then continue from `id`.
 */
export const RESYNC_EVENT_TYPE = "stream.resync";

export const streamEventsInput = z
  .object({
    lastEventId: z
      .string()
      .regex(/^\d{1,10}$/, "an event id (digits)")
      .refine((id) => Number(id) <= INT32_MAX, `at most ${INT32_MAX}`)
      .nullish(),
  })
  .optional();

import { z } from "zod";
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

/** What a write transaction appends; seq and time are assigned by the log. */
export interface NewEvent {
  type: string;
  entity: string;
  entityId: string;
  version: number;
  payload: unknown;
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

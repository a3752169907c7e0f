import { pruneEvents } from "@/domain/events/mutations";
import type { JobHandler } from "../handler";

const HOUR = 60 * 60 * 1000;

/** Deletes events older than EVENT_RETENTION_HOURS (default a week). */
export const eventRetention: JobHandler<Record<string, never>> = async ({ db, now }) => {
  const hours = Number(process.env.EVENT_RETENTION_HOURS ?? 24 * 7);
  const deleted = await pruneEvents(db, new Date(now().getTime() - hours * HOUR));
  return { deleted };
};

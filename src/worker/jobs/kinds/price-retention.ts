import { pruneTicks } from "@/domain/prices/mutations";
import type { JobHandler } from "../handler";

const HOUR = 60 * 60 * 1000;

export const priceRetention: JobHandler<Record<string, never>> = async ({ db, now }) => {
  const hours = Number(process.env.PRICE_RETENTION_HOURS ?? 24 * 7);
  return { deleted: await pruneTicks(db, new Date(now().getTime() - hours * HOUR)) };
};

import { simulateTicks } from "@/domain/prices/mutations";
import type { JobHandler } from "../handler";

export const simulatedFeedEnabled = () => process.env.VO_SIMULATED_FEED !== "off";

/** One step of the simulated feed. A run taken over after a crash adds one more step, which a random walk allows. */
export const priceFeed: JobHandler<Record<string, never>> = async ({ db, now }) => {
  if (!simulatedFeedEnabled()) return { skipped: "VO_SIMULATED_FEED=off" };
  const result = await simulateTicks(db, now());
  return { ticks: result?.accepted ?? 0 };
};

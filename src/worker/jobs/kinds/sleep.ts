import { setTimeout as delay } from "node:timers/promises";
import type { JobHandler } from "../handler";

/** Holds the run for `ms` (drills and tests: a long job whose runner can be killed), then succeeds or fails as asked. */
export const sleep: JobHandler<{ ms: number; fail: boolean }> = async ({ params, signal }) => {
  if (params.ms > 0) await delay(params.ms, undefined, { signal });
  if (params.fail) throw new Error("failed on purpose (fail: true)");
  return { sleptMs: params.ms };
};

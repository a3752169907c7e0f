import type { SystemJobDefinition } from "@/domain/jobs/mutations";
import { simulatedFeedEnabled } from "./kinds/price-feed";

/**
 * The product's own maintenance, run by the scheduler once per tick across all
 * processes (not in every process). Registered by every process at start; a
 * definition changed here updates the stored job. Minutes are staggered so
 * the three do not start together.
 */
export const SYSTEM_JOBS: readonly SystemJobDefinition[] = [
  { name: "event-retention", kind: "event-retention", schedule: { cron: "0 5 * * * *", timeZone: "UTC" }, misfirePolicy: { policy: "runOnce" } },
  { name: "receipt-pruning", kind: "receipt-pruning", schedule: { cron: "0 25 * * * *", timeZone: "UTC" }, misfirePolicy: { policy: "runOnce" } },
  { name: "price-retention", kind: "price-retention", schedule: { cron: "0 35 * * * *", timeZone: "UTC" }, misfirePolicy: { policy: "runOnce" } },
  // Missed sweeps and feed steps are not worth catching up: the next one covers them.
  { name: "alert-sweep", kind: "alert-sweep", schedule: { everySeconds: Number(process.env.VO_ALERT_SWEEP_SECONDS ?? 5) }, misfirePolicy: { policy: "skip" } },
  ...(simulatedFeedEnabled()
    ? [{ name: "price-feed", kind: "price-feed", schedule: { everySeconds: 1 }, misfirePolicy: { policy: "skip" } } satisfies SystemJobDefinition]
    : []),
  {
    name: "provider-key-rotation",
    kind: "provider-key-rotation",
    schedule: { cron: "0 45 * * * *", timeZone: "UTC" },
    misfirePolicy: { policy: "runOnce" },
  },
];

/** Triggered at start by a process that has previous provider-key secrets, so a rotation begins shortly after a restart. */
export const KEY_ROTATION_JOB = "provider-key-rotation";

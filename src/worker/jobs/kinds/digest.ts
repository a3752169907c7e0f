import { deliverDigest } from "@/domain/digests/mutations";
import type { JobHandler } from "../handler";

const HOUR = 60 * 60 * 1000;

/** The owner's changes in the period before the tick, delivered as a `digest.delivered` event. */
export const digest: JobHandler<{ periodHours: number }> = async ({ db, job, run, params }) => {
  if (!job.ownerId) throw new Error("a digest needs an owner");
  const to = run.scheduledFor;
  const from = new Date(to.getTime() - params.periodHours * HOUR);
  const delivered = await deliverDigest(db, job.ownerId, { jobId: job.id, runId: run.id, from, to });
  return { changes: delivered.changes };
};

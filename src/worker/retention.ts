import { pruneEvents } from "@/domain/events/mutations";
import { pruneReceipts } from "@/domain/receipts/mutations";
import type { Database } from "@/server/db/client";

const HOUR = 60 * 60 * 1000;

/**
 * Prunes the event log and old idempotency receipts. Every process runs it;
 * the deletes are idempotent, so overlapping runs are harmless.
 */
export function startRetention(db: Database, options = retentionOptions()): () => void {
  const run = async () => {
    const now = Date.now();
    try {
      await pruneEvents(db, new Date(now - options.eventRetentionMs));
      await pruneReceipts(db, new Date(now - options.receiptRetentionMs));
    } catch (error) {
      console.error("[retention] failed; will retry next interval:", (error as Error).message);
    }
  };
  const first = setTimeout(run, 5_000);
  const timer = setInterval(run, options.intervalMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

export function retentionOptions() {
  return {
    eventRetentionMs: Number(process.env.EVENT_RETENTION_HOURS ?? 24 * 7) * HOUR,
    receiptRetentionMs: Number(process.env.RECEIPT_RETENTION_HOURS ?? 24) * HOUR,
    intervalMs: HOUR,
  };
}

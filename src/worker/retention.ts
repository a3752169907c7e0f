import { pruneEvents } from "@/domain/events/mutations";
import { pruneReceipts } from "@/domain/receipts/mutations";
import type { Database } from "@/db/client";
import type { Worker } from "./index";
import { startPeriodic } from "./periodic";

const HOUR = 60 * 60 * 1000;

/**
 * Prunes the event log and old idempotency receipts. Every process runs it;
 * the deletes are idempotent, so overlapping runs are harmless.
 */
export function startRetention(db: Database, options = retentionOptions()): () => void {
  return startPeriodic(
    "retention",
    async () => {
      const now = Date.now();
      await pruneEvents(db, new Date(now - options.eventRetentionMs));
      await pruneReceipts(db, new Date(now - options.receiptRetentionMs));
    },
    5_000,
    options.intervalMs,
  );
}

export function retentionOptions() {
  return {
    eventRetentionMs: Number(process.env.EVENT_RETENTION_HOURS ?? 24 * 7) * HOUR,
    receiptRetentionMs: Number(process.env.RECEIPT_RETENTION_HOURS ?? 24) * HOUR,
    intervalMs: HOUR,
  };
}

export const retentionWorker: Worker = { name: "retention", start: ({ db }) => startRetention(db) };

import { pruneSignInFailures } from "@/domain/account/mutations";
import { pruneReceipts } from "@/domain/receipts/mutations";
import type { JobHandler } from "../handler";

const HOUR = 60 * 60 * 1000;
/** Far past the sign-in guard's 15-minute counting window. */
const SIGN_IN_FAILURE_RETENTION_MS = 24 * HOUR;

/** Deletes idempotency receipts older than RECEIPT_RETENTION_HOURS (default 24) and sign-in failure counters that no longer lock anything. */
export const receiptPruning: JobHandler<Record<string, never>> = async ({ db, now }) => {
  const hours = Number(process.env.RECEIPT_RETENTION_HOURS ?? 24);
  const receipts = await pruneReceipts(db, new Date(now().getTime() - hours * HOUR));
  const signInFailures = await pruneSignInFailures(db, now(), new Date(now().getTime() - SIGN_IN_FAILURE_RETENTION_MS));
  return { receipts, signInFailures };
};

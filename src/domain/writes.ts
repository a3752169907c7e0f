import type { Database, Tx } from "@/db/client";
import { appendEvent, ensureUserCounter, EVENTS_COMMITTED, type EventLogWriter } from "./events/mutations";
import { findReceipt, storeReceipt } from "./receipts/mutations";

export type { EventLogWriter } from "./events/mutations";

export interface WriteRequest {
  /** Names the write for its receipt (`settings.set:theme`, `providers.add`, …). */
  operation: string;
  /** The client's idempotency key: the same id from the same user returns the first result. */
  requestId?: string;
}

class MissingUserCounter extends Error {}

/**
 * The one write primitive. Runs `work` in a transaction whose FIRST statement
 * bumps the user's counter row: on PostgreSQL that takes the user's row lock (so
 * one user's writes run one after another, and each sees the previous commit);
 * on SQLite it comes right after BEGIN IMMEDIATE. Event sequence numbers are
 * therefore handed out in commit order, and events appended through `log`
 * commit or roll back with the change.
 *
 * With a requestId, the receipt is looked up under that lock, so a concurrent
 * duplicate waits for the first and then finds its receipt instead of writing
 * again; the result is stored as the receipt in the same transaction.
 */
export async function writeForUser<T>(
  db: Database,
  userId: string,
  { operation, requestId }: WriteRequest,
  work: (tx: Tx, log: EventLogWriter) => Promise<T>,
): Promise<T> {
  const run = () =>
    db.transaction(async (tx) => {
      const locked = await tx.userCounter.updateMany({ where: { userId }, data: { lockSeq: { increment: 1 } } });
      if (locked.count !== 1) throw new MissingUserCounter();
      if (requestId) {
        const replay = await findReceipt<T>(tx, userId, requestId, operation);
        if (replay !== undefined) return { result: replay, appended: 0 };
      }
      let appended = 0;
      const result = await work(tx, {
        async append(event) {
          appended++;
          return appendEvent(db, tx, userId, event);
        },
      });
      if (requestId) await storeReceipt(tx, userId, requestId, operation, result);
      return { result, appended };
    });

  let outcome: { result: T; appended: number };
  try {
    outcome = await run();
  } catch (error) {
    if (!(error instanceof MissingUserCounter)) throw error;
    await ensureUserCounter(db, userId);
    outcome = await run();
  }
  if (outcome.appended > 0) db.bus.emit(EVENTS_COMMITTED, userId);
  return outcome.result;
}

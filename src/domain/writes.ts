import type { Database, Sql, Tx } from "@/db/client";
import { appendEvent, ensureUserCounter, EVENTS_COMMITTED, lockUserLog, settleEventSeq, type EventLogWriter } from "./events/mutations";
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
 * on SQLite it comes right after BEGIN IMMEDIATE. The same statement reserves the
 * next event number, so event sequence numbers are handed out in commit order,
 * and events appended through `log` commit or roll back with the change.
 *
 * With a requestId, the receipt is looked up under that lock, so a concurrent
 * duplicate waits for the first and then finds its receipt instead of writing
 * again; the result is stored as the receipt in the same transaction. Without
 * one, no receipt is read or written.
 *
 * `work` may use Prisma (`tx`) or hand-written statements (`sql`, src/db/sql.ts);
 * both run in this transaction.
 */
export async function writeForUser<T>(
  db: Database,
  userId: string,
  { operation, requestId }: WriteRequest,
  work: (tx: Tx, log: EventLogWriter, sql: Sql) => Promise<T>,
): Promise<T> {
  const run = () =>
    db.transaction(async (tx, sql) => {
      const reserved = await lockUserLog(sql, userId);
      if (reserved === null) throw new MissingUserCounter();
      if (requestId) {
        const replay = await findReceipt<T>(sql, userId, requestId, operation);
        if (replay !== undefined) {
          await settleEventSeq(sql, userId, -1);
          return { result: replay, appended: 0 };
        }
      }
      let appended = 0;
      const result = await work(
        tx,
        {
          append(event) {
            return appendEvent(sql, userId, reserved + appended++, event);
          },
        },
        sql,
      );
      // Numbers are reserved one per transaction; give back or take what differs.
      await settleEventSeq(sql, userId, appended - 1);
      if (requestId) await storeReceipt(sql, userId, requestId, operation, result);
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

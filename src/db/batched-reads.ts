import type { Database } from "./client";
import type { SqlValue } from "./sql";

export interface BatchedRead<Key, Row> {
  /** The statement for `count` keys, each key's placeholders in `params` order. */
  statement(count: number): string;
  params(key: Key): SqlValue[];
  /** Identifies a key, and the row that answers it. */
  keyOf(key: Key): string;
  keyOfRow(row: Row): string;
  /** At most this many keys per statement. */
  max: number;
}

interface Waiting<Row> {
  keys: Map<string, { params: SqlValue[]; answers: Array<(row: Row | undefined) => void>; fail: Array<(error: unknown) => void> }>;
}

/**
 * Point reads of one kind that arrive in the same event-loop turn run as ONE statement
 * on PostgreSQL (as Prisma batches its findUnique calls). Why: there each statement is a
 * round trip to a server that shares the machine, and under many clients that round
 * trip, not the lookup, is most of a read's cost. The statement starts after every
 * request it answers arrived, so each still sees every write acknowledged before it was
 * sent. On SQLite a read is a call into the read connection, and runs alone.
 */
export function batchedRead<Key, Row extends object>(read: BatchedRead<Key, Row>): (db: Database, key: Key) => Promise<Row | undefined> {
  const waiting = new WeakMap<Database, Waiting<Row>>();

  const flush = async (db: Database, batch: Waiting<Row>) => {
    const entries = [...batch.keys.entries()];
    for (let at = 0; at < entries.length; at += read.max) {
      const part = entries.slice(at, at + read.max);
      try {
        const rows = await db.sql.all<Row>(read.statement(part.length), ...part.flatMap(([, entry]) => entry.params));
        const byKey = new Map(rows.map((row) => [read.keyOfRow(row), row]));
        for (const [key, entry] of part) for (const answer of entry.answers) answer(byKey.get(key));
      } catch (error) {
        for (const [, entry] of part) for (const fail of entry.fail) fail(error);
      }
    }
  };

  return async (db, key) => {
    if (db.provider !== "postgresql") return (await db.sql.all<Row>(read.statement(1), ...read.params(key)))[0];
    let batch = waiting.get(db);
    if (!batch) {
      const opened: Waiting<Row> = { keys: new Map() };
      batch = opened;
      waiting.set(db, opened);
      setImmediate(() => {
        waiting.delete(db);
        void flush(db, opened);
      });
    }
    const id = read.keyOf(key);
    let entry = batch.keys.get(id);
    if (!entry) batch.keys.set(id, (entry = { params: read.params(key), answers: [], fail: [] }));
    const { answers, fail } = entry;
    return new Promise<Row | undefined>((resolve, reject) => {
      answers.push(resolve);
      fail.push(reject);
    });
  };
}

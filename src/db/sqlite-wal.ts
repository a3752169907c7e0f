import type BetterSqlite3 from "better-sqlite3";

/**
 * Switching a fresh file to WAL needs an exclusive lock, and SQLite answers
 * SQLITE_BUSY at once (without the busy handler) when another process is
 * switching it or reading its schema at the same moment, which happens when
 * several servers start together on a new file. Retry until the busy timeout.
 */
export function enableWal(db: BetterSqlite3.Database, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(5 * attempt, 100) + Math.random() * 10);
    }
  }
}

import type BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { enableWal } from "./sqlite-wal";

/** A connection whose `PRAGMA journal_mode = WAL` is refused with SQLITE_BUSY `busyTimes` times. */
function contended(busyTimes: number) {
  let calls = 0;
  const connection = {
    pragma(statement: string) {
      calls++;
      expect(statement).toBe("journal_mode = WAL");
      if (calls <= busyTimes) throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
      return [{ journal_mode: "wal" }];
    },
  };
  return { connection: connection as unknown as BetterSqlite3.Database, calls: () => calls };
}

describe("enableWal (several processes opening a fresh SQLite file at once)", () => {
  it("retries an immediate SQLITE_BUSY until the switch succeeds", () => {
    const db = contended(5);
    enableWal(db.connection, 5_000);
    expect(db.calls()).toBe(6);
  });

  it("gives up with the SQLITE_BUSY error once the busy timeout has passed", () => {
    const db = contended(Number.POSITIVE_INFINITY);
    expect(() => enableWal(db.connection, 50)).toThrow(/database is locked/);
    expect(db.calls()).toBeGreaterThan(1);
  });

  it("does not retry other errors", () => {
    const connection = { pragma: () => { throw Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR" }); } };
    expect(() => enableWal(connection as unknown as BetterSqlite3.Database, 5_000)).toThrow(/disk I\/O/);
  });
});

/** The raw ceilings: what the hardware does with no framework in the way. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { freePort } from "../tests/harness/server-process";
import { warmLoad, type Load } from "./lib/load";

/** An empty Node HTTP server in its own process (as the servers under test run), 32 connections. */
export async function emptyHttpServer(seconds: number, warmup: number): Promise<Load> {
  const port = await freePort();
  const child = spawn(process.execPath, ["-e", `require("http").createServer((q, s) => s.end("{}")).listen(${port}, "127.0.0.1")`], { stdio: "ignore" });
  try {
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
      if (up) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return await warmLoad({ url: `http://127.0.0.1:${port}/`, seconds }, warmup);
  } finally {
    child.kill("SIGKILL");
  }
}

/** Conditional UPDATEs (`WHERE version = ?`) on a file in WAL mode with synchronous=NORMAL, as the app opens it. */
export function rawSqliteConditionalUpdates(seconds: number): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), "vo-bench-raw-"));
  const db = new BetterSqlite3(path.join(dir, "raw.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec("CREATE TABLE s (id INTEGER PRIMARY KEY, value TEXT, version INTEGER); INSERT INTO s VALUES (1, 'x', 0)");
    const update = db.prepare("UPDATE s SET value = ?, version = version + 1 WHERE id = 1 AND version = ?");
    let version = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    let n = 0;
    while (performance.now() < deadline) {
      for (let i = 0; i < 1000; i++, n++) version += update.run(`v${n}`, version).changes;
    }
    return n / ((performance.now() - started) / 1000);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same conditional UPDATE through `pg`, 32 concurrent clients over a pool of 10, one row each. */
export async function rawPostgresConditionalUpdates(url: string, seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => {}); // an idle client cut off when the database is dropped
  try {
    await pool.query("CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, value TEXT, version INTEGER)");
    await pool.query("INSERT INTO bench_raw SELECT g, 'x', 0 FROM generate_series(0, 31) g ON CONFLICT DO NOTHING");
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    let n = 0;
    await Promise.all(
      Array.from({ length: 32 }, async (_, id) => {
        let version = (await pool.query<{ version: number }>("SELECT version FROM bench_raw WHERE id = $1", [id])).rows[0]!.version;
        while (performance.now() < deadline) {
          const { rowCount } = await pool.query({
            name: "bench-raw-update",
            text: "UPDATE bench_raw SET value = $1, version = version + 1 WHERE id = $2 AND version = $3",
            values: [`v${n}`, id, version],
          });
          version += rowCount ?? 0;
          n++;
        }
      }),
    );
    return n / ((performance.now() - started) / 1000);
  } finally {
    await pool.end();
  }
}

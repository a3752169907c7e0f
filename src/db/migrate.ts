/**
 * Applies prisma/<provider>/migrations/<name>/migration.sql in name order, with
 * the raw drivers (not Prisma: no engine, no `_prisma_migrations`), recording
 * name + sha256 in `_vo_migrations`. Safe when several processes start at once:
 * the whole run holds one database-wide write lock and re-reads what is applied
 * after taking it, so each migration runs exactly once. All pending migrations
 * of a run commit together (one transaction), so each is atomic with its record.
 * See docs/decisions/0001-migrations.md.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { enableWal } from "./sqlite-wal";
import { databaseProvider, sqliteFilePath } from "./url";

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateOptions {
  /** Folder holding <name>/migration.sql; default env VO_MIGRATIONS_DIR, else prisma/<provider>/migrations. */
  migrationsDir?: string;
}

export async function migrateDatabase(databaseUrl: string, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const provider = databaseProvider(databaseUrl);
  const dir =
    options.migrationsDir ?? process.env.VO_MIGRATIONS_DIR ?? path.join(process.cwd(), "prisma", provider, "migrations");
  const migrations = readMigrations(dir);
  return provider === "postgresql" ? migratePostgres(databaseUrl, migrations) : migrateSqlite(databaseUrl, migrations);
}

function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) throw new Error(`Migrations folder not found: ${dir}`);
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, "migration.sql")))
    .sort()
    .map((name) => {
      // CRLF → LF so that a checkout with autocrlf does not look like an edited migration.
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8").replace(/\r\n/g, "\n");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Throws on an edited migration; returns the ones still to apply. */
function pending(migrations: Migration[], applied: Map<string, string>): Migration[] {
  for (const m of migrations) {
    const recorded = applied.get(m.name);
    if (recorded !== undefined && recorded !== m.checksum) {
      throw new Error(
        `Migration ${m.name} was changed after it was applied (recorded sha256 ${recorded}, file ${m.checksum}). ` +
          `Restore the file and put the change in a new migration (node scripts/prisma.mjs migration <name>).`,
      );
    }
  }
  // Applied names missing from the folder are tolerated: an older build may start against a newer database.
  return migrations.filter((m) => !applied.has(m.name));
}

function migrateSqlite(url: string, migrations: Migration[]): { applied: string[] } {
  const file = sqliteFilePath(url);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const timeoutMs = Number(process.env.SQLITE_BUSY_TIMEOUT_MS ?? 30_000);
  const db = new Database(file, { timeout: timeoutMs });
  try {
    enableWal(db, timeoutMs); // persists in the file; the app's connections get it too
    // better-sqlite3 enforces foreign keys by default, and `PRAGMA foreign_keys` is a no-op
    // inside a transaction, so Prisma's SQLite table rebuilds (DROP old table, rename new)
    // would cascade-delete child rows. Turn enforcement off for this connection and check
    // the result before committing, as SQLite's ALTER TABLE procedure prescribes.
    db.pragma("foreign_keys = OFF");
    // IMMEDIATE takes the write lock now: a second process waits (busy timeout) and
    // then sees the migrations the first one recorded.
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(`CREATE TABLE IF NOT EXISTS "_vo_migrations" (
        "name" TEXT NOT NULL PRIMARY KEY,
        "checksum" TEXT NOT NULL,
        "appliedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      )`);
      const rows = db.prepare(`SELECT "name", "checksum" FROM "_vo_migrations"`).all() as { name: string; checksum: string }[];
      const todo = pending(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      const record = db.prepare(`INSERT INTO "_vo_migrations" ("name", "checksum") VALUES (?, ?)`);
      for (const m of todo) {
        try {
          db.exec(m.sql);
        } catch (e) {
          throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
        }
        record.run(m.name, m.checksum);
      }
      const violations = db.pragma("foreign_key_check") as unknown[];
      if (violations.length > 0) {
        throw new Error(`Migrations left ${violations.length} foreign-key violations: ${JSON.stringify(violations.slice(0, 5))}`);
      }
      db.exec("COMMIT");
      return { applied: todo.map((m) => m.name) };
    } catch (e) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw e;
    }
  } finally {
    db.close();
  }
}

// An arbitrary constant; advisory locks are per database, so databases on one server do not contend.
const ADVISORY_LOCK_KEY = "7665764287934223987";

async function migratePostgres(url: string, migrations: Migration[]): Promise<{ applied: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // PostgreSQL DDL is transactional: one transaction holds the advisory lock (released
    // at COMMIT/ROLLBACK, also if this process dies) and the migrations with their records.
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [ADVISORY_LOCK_KEY]);
      await client.query(`CREATE TABLE IF NOT EXISTS "_vo_migrations" (
        "name" TEXT NOT NULL PRIMARY KEY,
        "checksum" TEXT NOT NULL,
        "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT "name", "checksum" FROM "_vo_migrations"`);
      const todo = pending(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      for (const m of todo) {
        try {
          await client.query(m.sql); // no parameters → simple protocol, several statements allowed
        } catch (e) {
          throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
        }
        await client.query(`INSERT INTO "_vo_migrations" ("name", "checksum") VALUES ($1, $2)`, [m.name, m.checksum]);
      }
      await client.query("COMMIT");
      return { applied: todo.map((m) => m.name) };
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    }
  } finally {
    await client.end();
  }
}

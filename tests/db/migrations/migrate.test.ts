import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "@/db/migrate";
import { sqliteFilePath } from "@/db/url";
import { createPostgresDatabase, DATABASES, dropPostgresDatabase, postgresQuery, uniqueDatabaseName, type DatabaseKind } from "../../harness/databases";

const root = process.cwd();
const migrationNames = (kind: DatabaseKind) =>
  fs
    .readdirSync(path.join(root, "prisma", kind, "migrations"))
    .filter((n) => fs.existsSync(path.join(root, "prisma", kind, "migrations", n, "migration.sql")))
    .sort();

/**
 * Starts `count` OS processes on `url`; once all have booted, tells them to go at
 * the same instant (booting tsx takes seconds and varies, so a timer is not enough).
 */
async function raceMigrations(url: string, count: number, env: Record<string, string> = {}) {
  const tsx = path.join(root, "node_modules", ".bin", "tsx");
  const child = path.join(import.meta.dirname, "fixtures", "migrate-child.ts");
  const procs = Array.from({ length: count }, () => {
    const p = spawn(tsx, [child, url, "--wait-for-go"], { cwd: root, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    let onReady: () => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    p.stdout.on("data", (d) => {
      stdout += d;
      if (stdout.startsWith("ready\n")) onReady();
    });
    p.stderr.on("data", (d) => (stderr += d));
    const done = new Promise<{ code: number | null; applied: string[]; stderr: string }>((resolve) =>
      p.on("close", (code) => {
        onReady(); // a child that died while booting must not hang the race
        const line = stdout.trim().split("\n").at(-1) ?? "";
        resolve({ code, applied: code === 0 ? JSON.parse(line).applied : [], stderr });
      }),
    );
    return { p, ready, done };
  });
  await Promise.all(procs.map((c) => c.ready));
  for (const c of procs) c.p.stdin.end("go\n");
  return Promise.all(procs.map((c) => c.done));
}

/**
 * A copy of the database kind's migrations plus `addProbe()`, which adds a later, slow
 * migration that fails if it ever runs twice (CREATE TABLE without IF NOT EXISTS).
 */
function migrationsCopy(kind: DatabaseKind, tmp: string) {
  const dir = fs.mkdtempSync(path.join(tmp, `migrations-${kind}-`));
  fs.cpSync(path.join(root, "prisma", kind, "migrations"), dir, { recursive: true });
  const probe = "29991231000000_probe";
  return {
    dir,
    probe,
    addProbe() {
      fs.mkdirSync(path.join(dir, probe));
      // A slow read first widens the race window from a few milliseconds to ~0.5 s.
      const slow =
        kind === "postgresql"
          ? "SELECT pg_sleep(0.5);"
          : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c;";
      const sql = `${slow}\nCREATE TABLE "vo_probe" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "vo_probe" ("id") VALUES (1);\n`;
      fs.writeFileSync(path.join(dir, probe, "migration.sql"), sql);
    },
  };
}

describe("migrateDatabase on SQLite", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vo-migrate-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("applies every migration to a fresh file once, and nothing the second time", async () => {
    const url = `file:${path.join(tmp, "nested", "fresh.db")}`; // the folder does not exist yet
    expect(await migrateDatabase(url)).toEqual({ applied: migrationNames("sqlite") });
    expect(await migrateDatabase(url)).toEqual({ applied: [] });

    const db = new Database(sqliteFilePath(url), { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).toEqual(expect.arrayContaining(["user", "event", "setting", "_vo_migrations"]));
    } finally {
      db.close();
    }
  });

  it("refuses to run when an applied migration was edited", async () => {
    const dir = path.join(tmp, "migrations-copy");
    fs.cpSync(path.join(root, "prisma", "sqlite", "migrations"), dir, { recursive: true });
    const url = path.join(tmp, "edited.db");
    await migrateDatabase(url, { migrationsDir: dir });

    const first = path.join(dir, migrationNames("sqlite")[0]!, "migration.sql");
    fs.appendFileSync(first, "\n-- an innocent-looking edit\n");
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(/was changed after it was applied/);
  });

  it("4 processes starting at once on one fresh file: all succeed, each migration applied once", async () => {
    const url = `file:${path.join(tmp, "raced.db")}`;
    const results = await raceMigrations(url, 4);

    expect(results.map((r) => r.code), results.map((r) => r.stderr).join("\n")).toEqual([0, 0, 0, 0]);
    const appliedByAll = results.flatMap((r) => r.applied).sort();
    expect(appliedByAll).toEqual(migrationNames("sqlite"));

    const db = new Database(sqliteFilePath(url), { readonly: true });
    try {
      const recorded = db.prepare(`SELECT name FROM "_vo_migrations" ORDER BY name`).pluck().all();
      expect(recorded).toEqual(migrationNames("sqlite"));
    } finally {
      db.close();
    }
  });

  it("4 processes starting at once on a migrated file with one pending migration: it runs once", async () => {
    const url = `file:${path.join(tmp, "pending.db")}`;
    const copy = migrationsCopy("sqlite", tmp);
    await migrateDatabase(url, { migrationsDir: copy.dir });
    copy.addProbe();
    const results = await raceMigrations(url, 4, { VO_MIGRATIONS_DIR: copy.dir });

    expect(results.map((r) => r.code), results.map((r) => r.stderr).join("\n")).toEqual([0, 0, 0, 0]);
    expect(results.flatMap((r) => r.applied)).toEqual([copy.probe]);
  });
});

// Registered only when a PostgreSQL server is configured (TEST_DATABASE_URL_PG; CI always sets it).
describe.each(DATABASES.filter((kind) => kind === "postgresql"))("migrateDatabase on PostgreSQL", () => {
  const created: string[] = [];
  const freshDatabase = async () => {
    const name = uniqueDatabaseName("vo_migrate");
    created.push(name);
    return createPostgresDatabase(name);
  };
  afterAll(async () => {
    for (const name of created) await dropPostgresDatabase(name);
  });

  it("applies every migration to a fresh database once, and nothing the second time", async () => {
    const url = await freshDatabase();
    expect(await migrateDatabase(url)).toEqual({ applied: migrationNames("postgresql") });
    expect(await migrateDatabase(url)).toEqual({ applied: [] });
    const tables = await postgresQuery<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
      [],
      url,
    );
    expect(tables.map((t) => t.tablename)).toEqual(
      expect.arrayContaining(["user", "event", "setting", "_vo_migrations"]),
    );
  });

  it("4 processes starting at once on one fresh database: all succeed, each migration applied once", async () => {
    const url = await freshDatabase();
    const results = await raceMigrations(url, 4);

    expect(results.map((r) => r.code), results.map((r) => r.stderr).join("\n")).toEqual([0, 0, 0, 0]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(migrationNames("postgresql"));
    const recorded = await postgresQuery<{ name: string }>(`SELECT name FROM "_vo_migrations" ORDER BY name`, [], url);
    expect(recorded.map((r) => r.name)).toEqual(migrationNames("postgresql"));
  });

  it("4 processes starting at once on a migrated database with one pending migration: it runs once", async () => {
    const url = await freshDatabase();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vo-migrate-pg-"));
    try {
      const copy = migrationsCopy("postgresql", tmp);
      await migrateDatabase(url, { migrationsDir: copy.dir });
      copy.addProbe();
      const results = await raceMigrations(url, 4, { VO_MIGRATIONS_DIR: copy.dir });

      expect(results.map((r) => r.code), results.map((r) => r.stderr).join("\n")).toEqual([0, 0, 0, 0]);
      expect(results.flatMap((r) => r.applied)).toEqual([copy.probe]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

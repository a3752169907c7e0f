import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrateDatabase } from "@/db/migrate";

export type DatabaseKind = "sqlite" | "postgresql";

/** The databases a suite runs against: SQLite always, PostgreSQL when TEST_DATABASE_URL_PG is set. */
export const DATABASES: DatabaseKind[] = process.env.TEST_DATABASE_URL_PG ? ["sqlite", "postgresql"] : ["sqlite"];

export interface TestDatabase {
  url: string;
  kind: DatabaseKind;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database with a unique name: a temp SQLite file, or a new
 * database on the TEST_DATABASE_URL_PG server (which outlives the run and may
 * hold other suites' databases, so nothing here assumes it is empty).
 */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const name = uniqueDatabaseName(`vo_test_${Date.now()}`);
  if (kind === "sqlite") {
    const dir = path.join(os.tmpdir(), name);
    mkdirSync(dir, { recursive: true });
    const url = `file:${path.join(dir, "test.db")}`;
    await migrateDatabase(url);
    return { url, kind, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const url = await createPostgresDatabase(name);
  await migrateDatabase(url);
  return { url, kind, drop: () => dropPostgresDatabase(name) };
}

// ---- Throw-away databases on the shared PostgreSQL server (TEST_DATABASE_URL_PG) ----
// Names are unique per call, so parallel runs never meet; callers drop what they create.

function postgresServerUrl(): string {
  const server = process.env.TEST_DATABASE_URL_PG;
  if (!server) throw new Error("TEST_DATABASE_URL_PG is not set");
  return server;
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

/** The URL of database `name` on the PostgreSQL test server. */
export function postgresDatabaseUrl(name: string): string {
  const url = new URL(postgresServerUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** One statement on its own connection (by default to the server's own database); returns the rows. */
export async function postgresQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
  url = postgresServerUrl(),
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** An empty (unmigrated) database named `name`; returns its URL. */
export async function createPostgresDatabase(name: string): Promise<string> {
  await postgresQuery(`CREATE DATABASE "${name}"`);
  return postgresDatabaseUrl(name);
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  await postgresQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrateDatabase } from "@/db/migrate";

export type Provider = "sqlite" | "postgresql";

/** The providers a suite runs against: SQLite always, PostgreSQL when TEST_DATABASE_URL_PG is set. */
export const PROVIDERS: Provider[] = process.env.TEST_DATABASE_URL_PG ? ["sqlite", "postgresql"] : ["sqlite"];

export interface TestDatabase {
  url: string;
  provider: Provider;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database with a unique name: a temp SQLite file, or a new
 * database on the TEST_DATABASE_URL_PG server (which outlives the run and may
 * hold other suites' databases, so nothing here assumes it is empty).
 */
export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  const name = `vo_test_${Date.now()}_${randomUUID().slice(0, 8)}`;
  if (provider === "sqlite") {
    const dir = path.join(os.tmpdir(), name);
    mkdirSync(dir, { recursive: true });
    const url = `file:${path.join(dir, "test.db")}`;
    await migrateDatabase(url);
    return { url, provider, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = process.env.TEST_DATABASE_URL_PG;
  if (!server) throw new Error("TEST_DATABASE_URL_PG is not set");
  await adminQuery(server, `CREATE DATABASE "${name}"`);
  const url = withDatabase(server, name);
  await migrateDatabase(url);
  return {
    url,
    provider,
    drop: () => adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

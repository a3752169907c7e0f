import { existsSync, readFileSync } from "node:fs";
import pg from "pg";
import { sqliteFilePath } from "@/db/url";
import type { TestDatabase } from "./databases";

/**
 * Everything a database holds, as text, for secret scans: the SQLite file, WAL
 * and shm as bytes, or the text of every row of every table (PostgreSQL).
 */
export async function databaseText(database: TestDatabase): Promise<string> {
  if (database.kind === "sqlite") {
    const file = sqliteFilePath(database.url);
    return [file, `${file}-wal`, `${file}-shm`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString("latin1"))
      .join("\n");
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    const dumps: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      dumps.push(...rows.rows.map((r) => r.row));
    }
    return dumps.join("\n");
  } finally {
    await client.end();
  }
}

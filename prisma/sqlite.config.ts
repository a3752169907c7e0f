// Prisma CLI config for the SQLite schema (prisma/sqlite/). The app never loads
// this file: it applies migrations with src/db/migrate.ts.
// Usage: npx prisma <command> --config prisma/sqlite.config.ts
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= "/dev/null";
process.env.CHECKPOINT_DISABLE ??= "1";

import path from "node:path";
import { defineConfig } from "prisma/config";
import { sqliteAdapterFactory } from "./cli-shims";
import { sqliteFilePath } from "../src/db/url";

const here = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(here, "sqlite"),
  migrations: { path: path.join(here, "sqlite", "migrations") },
  adapter: async () => sqliteAdapterFactory(sqliteFilePath(process.env.DATABASE_URL || "file:./data/virtual-office.db")),
});

// Prisma CLI config for the PostgreSQL schema (prisma/postgresql/). The app never
// loads this file: it applies migrations with src/db/migrate.ts.
// Usage: DATABASE_URL=postgresql://… npx prisma <command> --config prisma/postgresql.config.ts
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= "/dev/null";
process.env.CHECKPOINT_DISABLE ??= "1";

import path from "node:path";
import { defineConfig } from "prisma/config";
import { postgresAdapterFactory } from "./cli-shims";
import { databaseProvider } from "../src/db/url";

const here = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(here, "postgresql"),
  migrations: { path: path.join(here, "postgresql", "migrations") },
  adapter: async () => {
    const url = process.env.DATABASE_URL ?? "";
    if (databaseProvider(url) !== "postgresql") {
      throw new Error(`prisma/postgresql.config.ts needs DATABASE_URL=postgresql://…, got "${url}"`);
    }
    return postgresAdapterFactory(url);
  },
});

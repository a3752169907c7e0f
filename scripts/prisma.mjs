#!/usr/bin/env node
// Prisma CLI tasks for the two schemas (prisma/sqlite, prisma/postgresql) that share
// prisma/models.prisma. See docs/decisions/0001-migrations.md.
//
//   node scripts/prisma.mjs generate            both clients (npm postinstall)
//   node scripts/prisma.mjs migration <name>    new <timestamp>_<name>/migration.sql for BOTH providers
//   node scripts/prisma.mjs check [provider…]   exit 1 and print the SQL when migrations ≠ models
//
// `migration` and `check` replay the migrations on a shadow database (SQLite in
// memory; a throw-away PostgreSQL database) and diff the result against the models.
// PostgreSQL server: VO_PG_URL, else DATABASE_URL or TEST_DATABASE_URL_PG when
// they are postgresql:// URLs, else postgresql://postgres@127.0.0.1:5432/postgres.
// `--prisma-dir=DIR` reads schemas and migrations from DIR instead of prisma/ (tests).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PROVIDERS = ["sqlite", "postgresql"];
const MANUAL_BEGIN = "-- vo:manual-begin";
const MANUAL_END = "-- vo:manual-end";

const env = {
  ...process.env,
  // Never let the CLI download engines (this machine is offline; the JS engine needs none).
  PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false",
  PRISMA_QUERY_ENGINE_LIBRARY: "/dev/null",
  CHECKPOINT_DISABLE: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
};

function prisma(args, extraEnv = {}) {
  const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, env: { ...env, ...extraEnv }, encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`prisma ${args.slice(0, 2).join(" ")} failed (exit ${r.status})`);
  }
  return r.stdout;
}

function databaseUrl(provider) {
  // SQLite: the diff needs only the shadow database, which the adapter keeps in memory.
  if (provider === "sqlite") return "file::memory:";
  const isPg = (u) => /^postgres(ql)?:\/\//i.test(u ?? "");
  return (
    process.env.VO_PG_URL ||
    [process.env.DATABASE_URL, process.env.TEST_DATABASE_URL_PG].find(isPg) ||
    "postgresql://postgres@127.0.0.1:5432/postgres"
  );
}

const listMigrations = (dir) =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, "migration.sql"))).sort()
    : [];

/**
 * Hand-written SQL that the schema language cannot express — only partial indexes
 * such as `CREATE UNIQUE INDEX … WHERE "isActive"` — goes between
 * `-- vo:manual-begin` and `-- vo:manual-end` lines in a migration.sql. The runtime
 * runner applies those lines like any other; the drift check and `migration` replay
 * the migrations WITHOUT them, since the models do not (cannot) contain them.
 *
 * Honest limits, checked with Prisma 6.19.3: its schema engine ignores partial
 * indexes when it describes a database (SQLite and PostgreSQL alike), so the diff
 * would neither demand a DROP INDEX for them nor notice if one went missing.
 * Stripping the blocks keeps the check correct should a later engine start seeing
 * them. To keep the exception narrow: a block may hold only CREATE [UNIQUE] INDEX …
 * WHERE … and DROP INDEX statements, and a partial index OUTSIDE a block fails
 * the check (Prisma never generates one). Not verified: that a manual index still
 * exists later — a SQLite table rebuild (Prisma's "RedefineTables") or a dropped
 * column removes it; such a migration must re-create it in its own manual block.
 */
const isPartialIndex = (statement) => /^CREATE (UNIQUE )?INDEX .* WHERE .+/is.test(statement);
const statementsOf = (sql) =>
  sql
    .replace(/--[^\n]*/g, "")
    .split(";")
    .map((s) => s.trim().replace(/\s+/g, " "))
    .filter(Boolean);

export function stripManualBlocks(sql, where) {
  const kept = [];
  let block = null;
  for (const line of sql.split("\n")) {
    const marker = line.trim();
    if (marker === MANUAL_BEGIN) {
      if (block) throw new Error(`${where}: nested ${MANUAL_BEGIN}`);
      block = [];
    } else if (marker === MANUAL_END) {
      if (!block) throw new Error(`${where}: ${MANUAL_END} without ${MANUAL_BEGIN}`);
      for (const s of statementsOf(block.join("\n"))) {
        if (!isPartialIndex(s) && !/^DROP INDEX /i.test(s)) {
          throw new Error(`${where}: only partial indexes (CREATE [UNIQUE] INDEX … WHERE …) and DROP INDEX may go between manual markers, found: ${s}`);
        }
      }
      block = null;
    } else if (block) block.push(line);
    else kept.push(line);
  }
  if (block) throw new Error(`${where}: ${MANUAL_BEGIN} without ${MANUAL_END}`);
  const stray = statementsOf(kept.join("\n")).find(isPartialIndex);
  if (stray) throw new Error(`${where}: put hand-written partial indexes between ${MANUAL_BEGIN} / ${MANUAL_END} lines: ${stray}`);
  return kept.join("\n");
}

/** The SQL that takes the provider's migrations (minus manual blocks) to the models. */
function pendingSql(provider, prismaDir) {
  const migrationsDir = path.join(prismaDir, provider, "migrations");
  const names = listMigrations(migrationsDir);
  let tmp = null;
  let from = ["--from-empty"];
  if (names.length > 0) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `vo-migrations-${provider}-`));
    fs.copyFileSync(path.join(migrationsDir, "migration_lock.toml"), path.join(tmp, "migration_lock.toml"));
    for (const name of names) {
      const file = path.join(migrationsDir, name, "migration.sql");
      fs.mkdirSync(path.join(tmp, name));
      fs.writeFileSync(path.join(tmp, name, "migration.sql"), stripManualBlocks(fs.readFileSync(file, "utf8"), file));
    }
    from = ["--from-migrations", tmp];
  }
  try {
    const config = path.join(root, "prisma", `${provider}.config.ts`);
    const args = ["migrate", "diff", ...from, "--to-schema-datamodel", path.join(prismaDir, provider), "--script"];
    return prisma([...args, "--config", config], { DATABASE_URL: databaseUrl(provider) });
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const isEmptyScript = (sql) => sql.replace(/--[^\n]*/g, "").trim() === "";

function timestamp() {
  return new Date().toISOString().replace(/\D/g, "").slice(0, 14); // YYYYMMDDHHMMSS, UTC, like Prisma
}

function main(argv) {
  const prismaDirArg = argv.find((a) => a.startsWith("--prisma-dir="));
  const prismaDir = path.resolve(prismaDirArg ? prismaDirArg.slice("--prisma-dir=".length) : path.join(root, "prisma"));
  const [command, ...rest] = argv.filter((a) => !a.startsWith("--prisma-dir="));

  if (command === "generate") {
    for (const p of PROVIDERS) prisma(["generate", "--config", path.join(root, "prisma", `${p}.config.ts`)]);
    console.log(`Generated the Prisma clients for ${PROVIDERS.join(" and ")}.`);
    return 0;
  }

  if (command === "migration") {
    const name = rest[0];
    if (!name || !/^[a-z0-9_]+$/.test(name)) {
      console.error("usage: node scripts/prisma.mjs migration <name>   (name: lower-case letters, digits, _)");
      return 2;
    }
    const scripts = Object.fromEntries(PROVIDERS.map((p) => [p, pendingSql(p, prismaDir)]));
    if (PROVIDERS.every((p) => isEmptyScript(scripts[p]))) {
      console.log("The migrations already match the models; nothing created.");
      return 0;
    }
    const folder = `${timestamp()}_${name}`;
    for (const p of PROVIDERS) {
      const dir = path.join(prismaDir, p, "migrations");
      const last = listMigrations(dir).at(-1);
      if (last && last >= folder) throw new Error(`${p}: ${last} sorts after ${folder}; wait a second and retry`);
      fs.mkdirSync(path.join(dir, folder), { recursive: true });
      fs.writeFileSync(path.join(dir, folder, "migration.sql"), scripts[p]);
      console.log(`Created ${path.relative(root, path.join(dir, folder, "migration.sql"))}`);
    }
    return 0;
  }

  if (command === "check") {
    const providers = rest.length > 0 ? rest : PROVIDERS;
    let drift = false;
    for (const p of providers) {
      if (!PROVIDERS.includes(p)) throw new Error(`unknown provider ${p}`);
      const sql = pendingSql(p, prismaDir);
      if (isEmptyScript(sql)) {
        console.log(`${p}: migrations match the models.`);
      } else {
        drift = true;
        console.log(`${p}: DRIFT — the migrations do not produce the models; missing SQL:\n${sql}`);
      }
    }
    if (drift) console.log("Fix: node scripts/prisma.mjs migration <name>");
    return drift ? 1 : 0;
  }

  console.error("usage: node scripts/prisma.mjs generate | migration <name> | check [sqlite|postgresql]…");
  return 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}

/**
 * Shims that let the Prisma CLI's JavaScript schema engine (`engine: "js"`) work
 * offline through the driver adapters. Written for, and checked against,
 * Prisma 6.19.3 (@prisma/adapter-better-sqlite3 and @prisma/adapter-pg 6.19.3)
 * with pg 8.23. Re-check each shim before upgrading any of them; delete a shim
 * once the upstream defect is fixed. Used only by prisma/*.config.ts (the CLI),
 * never by the app at runtime.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";


// ---- (a) SQLite ----------------------------------------------------------------

/**
 * The schema engine sends multi-statement scripts (e.g. a whole migration on the
 * shadow database) through `executeRaw` without arguments. The adapter runs every
 * executeRaw through better-sqlite3's `prepare()`, which refuses more than one
 * statement — and also none, as in a migration holding only comments; `exec()`
 * (the adapter's executeScript) accepts both. So argument-less executeRaw goes to
 * exec(). Its row count is lost (reported as 0); the schema engine only runs DDL
 * that way, and everything with parameters still takes the adapter's own path.
 */
function execArgumentlessRaw(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length > 0) return executeRaw(query);
    await adapter.executeScript(query.sql);
    return 0;
  };
  return adapter;
}

export function sqliteAdapterFactory(filePath: string): SqlMigrationAwareDriverAdapterFactory {
  if (filePath !== ":memory:") mkdirSync(path.dirname(filePath), { recursive: true });
  const factory = new PrismaBetterSQLite3({ url: `file:${filePath}` });
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => execArgumentlessRaw(await connect());
  factory.connectToShadowDb = async () => execArgumentlessRaw(await connectToShadowDb());
  return factory;
}

// ---- (b) PostgreSQL: catalog column types --------------------------------------

/**
 * The pg adapter throws UnsupportedNativeDataType for the catalog column types
 * `name` (oid 19) and `"char"` (oid 18), which the schema engine's introspection
 * selects; even `migrate deploy` fails (prisma/orm#27403). Both arrive as text,
 * so a pg.Client that reports them as `text` (oid 25) fixes every result, whether
 * it comes from pool.query or from a client of pool.connect().
 *
 * Hooks pg's row-description handler: pg 8.x internals, hence the guard below.
 */
const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

type RowDescription = { fields: { dataTypeID: number }[] };
type ClientWithHandler = { _handleRowDescription(msg: RowDescription): void };

const baseHandler = (pg.Client.prototype as unknown as Partial<ClientWithHandler>)._handleRowDescription;
if (typeof baseHandler !== "function") {
  throw new Error("prisma/cli-shims.ts: pg.Client#_handleRowDescription is gone; re-check shim (b) for this pg version");
}

class CatalogAsTextClient extends pg.Client {
  _handleRowDescription(msg: RowDescription): void {
    for (const field of msg.fields) {
      if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
    baseHandler!.call(this, msg);
  }
}

function catalogAsTextPool(connectionString: string): pg.Pool {
  return new pg.Pool({
    connectionString,
    max: 4,
    Client: CatalogAsTextClient as unknown as typeof pg.Client,
    // The CLI never disposes its main adapter; without this each command would
    // wait for the pool's 10 s idle timeout before exiting.
    allowExitOnIdle: true,
  });
}

// ---- (c) PostgreSQL: shadow database -------------------------------------------

/**
 * The adapter's own connectToShadowDb spreads its config into a new pool, but a
 * connectionString wins over `database`, so the "shadow" pool targets the main
 * database; and its dispose drops the shadow database before ending that pool,
 * which fails while the pool's connections are open. This version creates a
 * uniquely named shadow database, connects to THAT database, and on dispose ends
 * the pool first, then drops the database.
 */
export function postgresAdapterFactory(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  const mainPool = catalogAsTextPool(databaseUrl);
  const factory = new PrismaPg(mainPool, { disposeExternalPool: true });

  factory.connectToShadowDb = async () => {
    // Derived from the main database's name so that a test can find leftovers.
    const mainName = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || "postgres";
    const shadowName = `${mainName.slice(0, 30)}_shadow_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${shadowName}"`);
    } finally {
      await admin.end();
    }
    const shadowUrl = new URL(databaseUrl);
    shadowUrl.pathname = `/${shadowName}`;
    const shadowFactory = new PrismaPg(catalogAsTextPool(shadowUrl.toString()), {
      disposeExternalPool: true,
    });
    const adapter = await shadowFactory.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose(); // ends the shadow pool
      const dropper = new pg.Client({ connectionString: databaseUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${shadowName}"`);
      } finally {
        await dropper.end();
      }
    };
    return adapter;
  };
  return factory;
}

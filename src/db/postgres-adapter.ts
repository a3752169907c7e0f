import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { postgresParams, postgresStatement, type Sql, type SqlValue } from "./sql";
import { joinedTransaction, joiningTransaction, type DriverTransaction } from "./transactions";

// TIMESTAMP(3) columns hold UTC (Prisma writes them so); pg would read them as local time.
const TIMESTAMP_OID = 1114;
const parseUtcTimestamp = (value: string) => new Date(`${value.replace(" ", "T")}Z`);
const types = { getTypeParser: (oid: number, format?: string) => (oid === TIMESTAMP_OID ? parseUtcTimestamp : pg.types.getTypeParser(oid, format as "text")) };

/**
 * One pg pool shared by Prisma (@prisma/adapter-pg, which passes its own type
 * parsers per query) and the hand-written statements of src/db/sql.ts (prepared
 * once per connection under a stable name). `begin` opens a transaction on a pool
 * client that a Prisma transaction can join (src/db/transactions.ts): the adapter
 * then runs Prisma's statements on that client with its own query code.
 */
export class PostgresConnections {
  readonly pool: pg.Pool;
  readonly factory: SqlDriverAdapterFactory;
  readonly sql: Sql;

  constructor(url: string, max: number) {
    this.pool = new pg.Pool({ connectionString: url, max, types } as pg.PoolConfig);
    // An idle client whose connection dies (a restart, a dropped database) is
    // discarded by the pool; without a listener the pool's report would crash the process.
    this.pool.on("error", () => {});
    const inner = new PrismaPg(this.pool);
    this.factory = {
      provider: "postgres",
      adapterName: inner.adapterName,
      connect: async () => joining(this, await inner.connect()),
    };
    this.sql = clientSql(this.pool, () => true);
  }

  /** A transaction (READ COMMITTED, like Prisma's) on one pool client. */
  async begin(): Promise<DriverTransaction> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    let open = true;
    const end = async (statement: "COMMIT" | "ROLLBACK") => {
      if (!open) throw new Error("transaction SQL used outside its transaction");
      open = false;
      try {
        await client.query(statement);
        client.release();
      } catch (error) {
        client.release(error as Error); // a broken connection is not handed on
        throw error;
      }
    };
    const guard = <T>(run: () => Promise<T>) => (open ? run() : Promise.reject(new Error("transaction SQL used outside its transaction")));
    return {
      owner: this,
      sql: clientSql(client, () => open),
      joined: (adapter) => {
        // The adapter's own query code (result types and all), bound to this transaction's client.
        const onClient = Object.create(adapter, { client: { value: client } }) as SqlDriverAdapter;
        return joinedTransaction(adapter, {
          queryRaw: (query) => guard(() => onClient.queryRaw(query)),
          executeRaw: (query) => guard(() => onClient.executeRaw(query)),
        });
      },
      commit: () => end("COMMIT"),
      rollback: () => end("ROLLBACK"),
    };
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Statements on a pool (each on some free client) or on one client (inside its transaction). */
function clientSql(client: pg.Pool | pg.PoolClient, isOpen: () => boolean): Sql {
  const query = async (text: string, params: SqlValue[]) => {
    if (!isOpen()) throw new Error("transaction SQL used outside its transaction");
    const { name, text: numbered } = postgresStatement(text);
    return client.query({ name, text: numbered, values: postgresParams(params) });
  };
  return {
    provider: "postgresql",
    all: async <Row extends object>(text: string, ...params: SqlValue[]) => (await query(text, params)).rows as Row[],
    run: async (text: string, ...params: SqlValue[]) => (await query(text, params)).rowCount ?? 0,
  };
}

/** The adapter, except that a Prisma transaction opened to join a `db.transaction` joins it. */
function joining(owner: PostgresConnections, adapter: SqlDriverAdapter): SqlDriverAdapter {
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel): Promise<Transaction> => {
    const driver = joiningTransaction.getStore();
    return driver?.owner === owner && !isolationLevel ? driver.joined(adapter) : startTransaction(isolationLevel);
  };
  return adapter;
}

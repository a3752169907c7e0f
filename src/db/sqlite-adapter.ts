import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";
import type BetterSqlite3 from "better-sqlite3";
import { Mutex } from "./mutex";
import { sqliteParams, type Sql, type SqlValue } from "./sql";
import { enableWal } from "./sqlite-wal";
import { joinedTransaction, joiningTransaction, type DriverTransaction } from "./transactions";

/**
 * The process's two connections to one SQLite file, wrapping
 * @prisma/adapter-better-sqlite3 (written against 6.19.3):
 *
 * - **the writer** runs every transaction and every statement that writes. The
 *   adapter alone would let a query made outside a transaction run on its one
 *   connection *inside* another request's open transaction (reading uncommitted
 *   data; its writes rolling back with it): here a mutex covers the writer, held
 *   by a transaction from BEGIN to COMMIT/ROLLBACK, and every standalone write
 *   waits for it. Transactions open with BEGIN IMMEDIATE, not the adapter's
 *   deferred BEGIN, which fails at once with SQLITE_BUSY(_SNAPSHOT) when another
 *   process writes between our read and our write; IMMEDIATE takes the write lock
 *   before the first read, so the busy timeout queues writers across processes.
 * - **the reader** (`query_only`) runs standalone reads, so they never wait for
 *   the writer's mutex: in WAL mode a reader sees the last committed state and
 *   never another connection's open transaction (docs/decisions/0013).
 *
 * `sql` runs hand-written statements (src/db/sql.ts) the same way; `begin` opens
 * a transaction on the writer (mutex, BEGIN IMMEDIATE) that a Prisma transaction
 * can join (src/db/transactions.ts).
 * tests/db/adapter/sqlite-one-connection.test.ts proves the data-safety half.
 */
export class SqliteConnections {
  readonly factory: SqlDriverAdapterFactory;
  readonly sql: Sql;
  readonly #writerFactory: PrismaBetterSQLite3;
  readonly #readerFactory: PrismaBetterSQLite3;
  readonly #gate = new Mutex();
  #open: Promise<Opened> | null = null;

  constructor(filePath: string, private readonly busyTimeoutMs = 5000) {
    this.#writerFactory = new PrismaBetterSQLite3({ url: `file:${filePath}`, timeout: busyTimeoutMs });
    this.#readerFactory = new PrismaBetterSQLite3({ url: `file:${filePath}`, timeout: busyTimeoutMs });
    const connections = this;
    this.factory = {
      provider: "sqlite",
      adapterName: "vo-better-sqlite3",
      connect: async () => adapterFor(connections, await connections.#opened(), connections.#gate, () => (connections.#open = null)),
    };
    this.sql = {
      provider: "sqlite",
      all: async <Row extends object>(text: string, ...params: SqlValue[]) => {
        const opened = await this.#opened();
        const read = opened.reader.statement(text);
        if (read.readonly) {
          await opened.reader.fairTurn();
          return read.all(...sqliteParams(params)) as Row[];
        }
        return this.#exclusive(() => opened.writer.statement(text).all(...sqliteParams(params)) as Row[]);
      },
      run: async (text: string, ...params: SqlValue[]) => {
        const opened = await this.#opened();
        return this.#exclusive(() => opened.writer.statement(text).run(...sqliteParams(params)).changes);
      },
    };
  }

  /** A write transaction on the writer: holds the mutex from BEGIN IMMEDIATE to COMMIT/ROLLBACK. */
  async begin(): Promise<DriverTransaction> {
    const { writer } = await this.#opened();
    const release = await this.#gate.acquire();
    try {
      writer.statement("BEGIN IMMEDIATE").run();
    } catch (error) {
      release();
      throw error;
    }
    let open = true;
    const check = () => {
      if (!open) throw new Error("transaction SQL used outside its transaction");
    };
    const end = (statement: "COMMIT" | "ROLLBACK") => {
      check();
      open = false;
      try {
        writer.statement(statement).run();
      } catch (error) {
        // A failed COMMIT can leave the transaction open: roll it back before handing the writer on.
        if (writer.connection.inTransaction) writer.statement("ROLLBACK").run();
        throw error;
      } finally {
        release();
      }
    };
    const inner = writer.adapter;
    return {
      owner: this,
      sql: {
        provider: "sqlite",
        all: async <Row extends object>(text: string, ...params: SqlValue[]) => {
          check();
          return writer.statement(text).all(...sqliteParams(params)) as Row[];
        },
        run: async (text: string, ...params: SqlValue[]) => {
          check();
          return writer.statement(text).run(...sqliteParams(params)).changes;
        },
      },
      joined: (adapter) =>
        joinedTransaction(adapter, {
          queryRaw: (query) => (check(), inner.queryRaw(query)),
          executeRaw: (query) => (check(), inner.executeRaw(query)),
        }),
      commit: async () => end("COMMIT"),
      rollback: async () => end("ROLLBACK"),
    };
  }

  async #exclusive<T>(work: () => T): Promise<T> {
    const release = await this.#gate.acquire();
    try {
      return work();
    } finally {
      release();
    }
  }

  #opened(): Promise<Opened> {
    this.#open ??= (async () => {
      const writer = (await this.#writerFactory.connect()) as InnerAdapter;
      const reader = (await this.#readerFactory.connect()) as InnerAdapter;
      enableWal(writer.client, this.busyTimeoutMs);
      writer.client.pragma("synchronous = NORMAL");
      writer.client.pragma("foreign_keys = ON");
      reader.client.pragma("query_only = ON");
      return { writer: new Connection(writer), reader: new Connection(reader) };
    })();
    return this.#open;
  }
}

type InnerAdapter = SqlDriverAdapter & {
  client: BetterSqlite3.Database;
  onError(error: unknown): never;
};

/** One connection: Prisma's adapter on it, and the statements prepared on it (ours, and which of Prisma's only read). */
class Connection {
  readonly connection: BetterSqlite3.Database;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #readonly = new Map<string, boolean>();
  #readsThisTurn = 0;
  #turnReset = false;

  constructor(readonly adapter: InnerAdapter) {
    this.connection = adapter.client;
  }

  /** A prepared statement for our own SQL, numbers as numbers (Prisma's adapter turns on safe integers). */
  statement(text: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.connection.prepare(text);
      if (statement.reader) statement.safeIntegers(false);
      if (this.#statements.size >= 500) this.#statements.clear();
      this.#statements.set(text, statement);
    }
    return statement;
  }

  /**
   * A read on the reader never waits, so a loop of reads would run on microtasks
   * alone and starve what waits for process.nextTick or a later turn of the event
   * loop (Prisma dispatches a transaction's queries on process.nextTick). After 32
   * reads within one turn, the next ones wait for the following turn.
   */
  async fairTurn(): Promise<void> {
    if (!this.#turnReset) {
      this.#turnReset = true;
      setImmediate(() => {
        this.#readsThisTurn = 0;
        this.#turnReset = false;
      });
    }
    if (++this.#readsThisTurn > 32) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Whether Prisma's `sql` only reads (a SELECT that SQLite calls read-only); unpreparable text counts as a write. */
  onlyReads(sql: string): boolean {
    let readonly = this.#readonly.get(sql);
    if (readonly === undefined) {
      try {
        readonly = /^\s*(SELECT|WITH)\b/i.test(sql) && this.connection.prepare(sql).readonly;
      } catch {
        readonly = false; // the writer reports the error the usual way
      }
      if (this.#readonly.size >= 2_000) this.#readonly.clear();
      this.#readonly.set(sql, readonly);
    }
    return readonly;
  }
}

interface Opened {
  writer: Connection;
  reader: Connection;
}

function adapterFor(owner: object, { writer, reader }: Opened, gate: Mutex, onDispose: () => void): SqlDriverAdapter {
  const inner = writer.adapter;
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    const release = await gate.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  };

  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: async (query: SqlQuery) => {
      if (!reader.onlyReads(query.sql)) return exclusive(() => inner.queryRaw(query));
      await reader.fairTurn();
      return reader.adapter.queryRaw(query);
    },
    executeRaw: (query: SqlQuery) => exclusive(() => inner.executeRaw(query)),
    executeScript: (script: string) => exclusive(() => inner.executeScript(script)),
    getConnectionInfo: () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: false },
    dispose: () =>
      exclusive(async () => {
        onDispose();
        await reader.adapter.dispose();
        await inner.dispose();
      }),
    async startTransaction(isolationLevel): Promise<Transaction> {
      if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
        return inner.startTransaction(isolationLevel); // throws InvalidIsolationLevel
      }
      // Opened for a `db.transaction` that holds the mutex already: join it.
      const driver = joiningTransaction.getStore();
      if (driver?.owner === owner) return driver.joined(inner);
      const release = await gate.acquire();
      try {
        writer.connection.prepare("BEGIN IMMEDIATE").run();
      } catch (error) {
        release();
        inner.onError(error);
      }
      // Prisma sends COMMIT / ROLLBACK itself (usePhantomQuery: false);
      // commit()/rollback() only hand the connection back.
      return {
        provider: inner.provider,
        adapterName: inner.adapterName,
        options: { usePhantomQuery: false },
        queryRaw: (query: SqlQuery) => inner.queryRaw(query),
        executeRaw: (query: SqlQuery) => inner.executeRaw(query),
        commit: async () => release(),
        rollback: async () => release(),
      };
    },
  };
}

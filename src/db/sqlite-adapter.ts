import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";
import type BetterSqlite3 from "better-sqlite3";
import { Mutex } from "./mutex";
import { enableWal } from "./sqlite-wal";

/**
 * Wraps @prisma/adapter-better-sqlite3 (written against 6.19.3) to fix two
 * data-safety problems of its single shared connection:
 *
 * 1. A query made outside a transaction while another request's interactive
 *    transaction is open runs on the same connection, i.e. *inside* that
 *    transaction (reads uncommitted data; its writes roll back with it).
 *    Here every standalone statement waits on the same mutex that an open
 *    transaction holds until COMMIT/ROLLBACK.
 * 2. The adapter opens transactions with a deferred BEGIN, which fails at once
 *    with SQLITE_BUSY(_SNAPSHOT) when another process writes between our read
 *    and our write. We open them with BEGIN IMMEDIATE so the write lock is
 *    taken before the first read; the busy timeout then queues writers across
 *    processes instead of failing them.
 */
export class SerializedSqliteAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName = "vo-better-sqlite3";
  readonly #inner: PrismaBetterSQLite3;

  constructor(filePath: string, private readonly busyTimeoutMs = 5000) {
    this.#inner = new PrismaBetterSQLite3({ url: `file:${filePath}`, timeout: busyTimeoutMs });
  }

  async connect(): Promise<SqlDriverAdapter> {
    return serialize(await this.#inner.connect(), this.busyTimeoutMs);
  }
}

type InnerAdapter = SqlDriverAdapter & {
  client: BetterSqlite3.Database;
  onError(error: unknown): never;
};

function serialize(adapter: SqlDriverAdapter, busyTimeoutMs: number): SqlDriverAdapter {
  const inner = adapter as InnerAdapter;
  const connection = inner.client;
  enableWal(connection, busyTimeoutMs);
  connection.pragma("synchronous = NORMAL");
  connection.pragma("foreign_keys = ON");
  const gate = new Mutex();

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
    queryRaw: (query: SqlQuery) => exclusive(() => inner.queryRaw(query)),
    executeRaw: (query: SqlQuery) => exclusive(() => inner.executeRaw(query)),
    executeScript: (script: string) => exclusive(() => inner.executeScript(script)),
    getConnectionInfo: () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: false },
    dispose: () => exclusive(() => inner.dispose()),
    async startTransaction(isolationLevel): Promise<Transaction> {
      if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
        return inner.startTransaction(isolationLevel); // throws InvalidIsolationLevel
      }
      const release = await gate.acquire();
      try {
        connection.prepare("BEGIN IMMEDIATE").run();
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

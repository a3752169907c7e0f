import { EventEmitter } from "node:events";
import { PrismaClient as SqlitePrismaClient, type Prisma } from "@/generated/prisma-sqlite/client";
import { PrismaClient as PostgresPrismaClient } from "@/generated/prisma-postgresql/client";
import { PostgresConnections } from "./postgres-adapter";
import { SqliteConnections } from "./sqlite-adapter";
import type { Sql } from "./sql";
import { lazyPrismaTransaction } from "./transactions";
import { databaseProvider, sqliteFilePath } from "./url";
import { withRetry, type RetryOptions } from "./retry";
import { openNotificationListener, type NotificationListener } from "./notify";

export type { Sql, SqlValue } from "./sql";
export { isUniqueViolation } from "./sql";

/**
 * The only module that creates a PrismaClient. The SQLite client's type is the
 * canonical one: the PostgreSQL client has the same models and methods, but its
 * `isolationLevel` union differs, so it is not assignable without a cast.
 */
export type PrismaDb = SqlitePrismaClient;
export type Tx = Prisma.TransactionClient;
export type DatabaseProvider = "sqlite" | "postgresql";

export interface Database {
  readonly prisma: PrismaDb;
  readonly provider: DatabaseProvider;
  readonly url: string;
  /**
   * Hand-written statements outside a transaction (src/db/sql.ts). On SQLite a
   * read runs on the read connection (never waiting for a write), a write behind
   * the writer's mutex; on PostgreSQL on the pool.
   */
  readonly sql: Sql;
  /** In-process signals: "events-committed" (userId) after a write transaction commits. */
  readonly bus: EventEmitter;
  /**
   * Runs `work` in one interactive transaction, retried on transient conflicts.
   * `sql` runs hand-written statements inside the same transaction.
   */
  transaction<T>(work: (tx: Tx, sql: Sql) => Promise<T>, retry?: RetryOptions): Promise<T>;
  /**
   * Runs several reads against one committed state: REPEATABLE READ on
   * PostgreSQL; on SQLite the transaction (BEGIN IMMEDIATE) excludes writers.
   */
  snapshot<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** PostgreSQL LISTEN connection (null on SQLite, where tailers poll). */
  listen(channel: string, onPayload: (payload: string) => void): Promise<NotificationListener | null>;
  close(): Promise<void>;
}

export const DEFAULT_DATABASE_URL = "file:./data/virtual-office.db";

// maxWait/timeout are generous because, on SQLite, transactions of one process
// queue on one connection; they stay tiny in practice.
const TRANSACTION_OPTIONS = { maxWait: 20_000, timeout: 20_000 };

export function openDatabase(url: string = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): Database {
  const provider = databaseProvider(url);
  const postgres = provider === "postgresql" ? new PostgresConnections(url, Number(process.env.DATABASE_POOL_SIZE ?? 10)) : null;
  const sqlite = postgres ? null : new SqliteConnections(sqliteFilePath(url), Number(process.env.SQLITE_BUSY_TIMEOUT_MS ?? 5000));
  const prisma = postgres
    ? (new PostgresPrismaClient({ adapter: postgres.factory }) as unknown as PrismaDb)
    : new SqlitePrismaClient({ adapter: sqlite!.factory });
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const listeners: NotificationListener[] = [];

  const connections = postgres ?? sqlite!;

  return {
    prisma,
    provider,
    url,
    sql: postgres ? postgres.sql : sqlite!.sql,
    bus,
    transaction: (work, retry) =>
      withRetry(async () => {
        const driver = await connections.begin();
        const prismaPart = lazyPrismaTransaction(prisma, driver, TRANSACTION_OPTIONS);
        let result: Awaited<ReturnType<typeof work>>;
        try {
          result = await work(prismaPart.tx, driver.sql);
          await prismaPart.settle(true);
        } catch (error) {
          await prismaPart.settle(false).catch(() => {});
          await driver.rollback().catch(() => {}); // the work's error is the one to report
          throw error;
        }
        await driver.commit();
        return result;
      }, retry),
    snapshot: (work) =>
      withRetry(() =>
        prisma.$transaction(
          (tx) => work(tx),
          provider === "postgresql" ? { ...TRANSACTION_OPTIONS, isolationLevel: "RepeatableRead" as never } : TRANSACTION_OPTIONS,
        ),
      ),
    async listen(channel, onPayload) {
      if (provider !== "postgresql") return null;
      const listener = await openNotificationListener(url, channel, onPayload);
      listeners.push(listener);
      return listener;
    },
    async close() {
      await Promise.all(listeners.map((l) => l.close()));
      await prisma.$disconnect();
      await postgres?.close();
    },
  };
}

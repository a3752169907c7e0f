import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlDriverAdapter, Transaction } from "@prisma/driver-adapter-utils";
import type { PrismaDb, Tx } from "./client";
import type { Sql } from "./sql";

/**
 * `db.transaction` opens the transaction on the driver itself (SQLite: the
 * writer's mutex and BEGIN IMMEDIATE; PostgreSQL: a pool client and BEGIN) and
 * runs hand-written statements on it directly. A Prisma interactive transaction
 * costs ~0.3 ms of CPU to open and close (docs/decisions/0013), so one is opened
 * only when `work` first uses its Prisma `tx`, and it *joins* the open driver
 * transaction: the adapter hands Prisma a transaction on the same connection that
 * neither begins nor commits (Prisma's "phantom" BEGIN/COMMIT), and the driver
 * transaction commits or rolls back everything once `work` has finished.
 */
export interface DriverTransaction {
  /** The connections object that opened it (a Prisma transaction joins only its own database's). */
  readonly owner: object;
  /** Statements on the transaction's connection, while it is open. */
  readonly sql: Sql;
  /** What `adapter` gives Prisma when a Prisma transaction joins this one: its own query code, on this connection. */
  joined(adapter: SqlDriverAdapter): Transaction;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Present only inside the call that opens the joining Prisma transaction. */
export const joiningTransaction = new AsyncLocalStorage<DriverTransaction>();

/** Prisma's part of a driver transaction: its statements on the same connection, no BEGIN/COMMIT of its own. */
export function joinedTransaction(adapter: SqlDriverAdapter, queries: Pick<Transaction, "queryRaw" | "executeRaw">): Transaction {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    options: { usePhantomQuery: true },
    queryRaw: (query) => queries.queryRaw(query),
    executeRaw: (query) => queries.executeRaw(query),
    commit: async () => {},
    rollback: async () => {},
  };
}

/**
 * A stand-in for Prisma's transaction client that opens the joining Prisma
 * transaction on first use. `tx.model.method(args)` and `tx.$raw…(…)` forward to
 * the real client (their results are ordinary promises, sent at once).
 */
export function lazyPrismaTransaction(
  prisma: PrismaDb,
  driver: DriverTransaction,
  options: { maxWait: number; timeout: number },
): { tx: Tx; settle(committed: boolean): Promise<void> } {
  let real: Promise<Tx> | null = null;
  let prismaDone: Promise<unknown> = Promise.resolve();
  let release!: (committed: boolean) => void;
  const workDone = new Promise<boolean>((resolve) => (release = resolve));

  const open = (): Promise<Tx> =>
    (real ??= new Promise<Tx>((resolve, reject) => {
      prismaDone = joiningTransaction.run(driver, () =>
        prisma.$transaction(async (tx) => {
          resolve(tx);
          // Prisma's part ends with the work: "commit" (phantom) or roll back.
          if (!(await workDone)) throw new WorkFailed();
        }, options),
      );
      prismaDone.catch(reject);
    }));

  const forward = (path: PropertyKey[]) =>
    (...args: unknown[]) =>
      open().then((tx) => {
        let target: unknown = tx;
        for (const key of path.slice(0, -1)) target = (target as Record<PropertyKey, unknown>)[key];
        return (target as Record<PropertyKey, (...a: unknown[]) => unknown>)[path.at(-1)!]!(...args);
      });

  const tx = new Proxy({} as Tx, {
    get(_target, key) {
      if (typeof (prisma as unknown as Record<PropertyKey, unknown>)[key] === "function") return forward([key]);
      return new Proxy({}, { get: (_t, method) => forward([key, method]) });
    },
  });

  return {
    tx,
    async settle(committed) {
      release(committed);
      if (!real) return;
      try {
        await prismaDone;
      } catch (error) {
        if (committed || !(error instanceof WorkFailed)) throw error;
      }
    },
  };
}

class WorkFailed extends Error {}

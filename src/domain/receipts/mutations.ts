import superjson from "superjson";
import type { Database, Sql } from "@/db/client";
import { DomainError } from "../errors";

/**
 * Idempotency receipts: the first result of a mutation carrying `requestId`,
 * stored in the same transaction as the change. Callers look the receipt up
 * after taking the user's write lock, so a concurrent duplicate waits for the
 * first to commit and then finds its receipt; the primary key (userId,
 * requestId) is the second line of defence.
 */
export async function findReceipt<T>(sql: Sql, userId: string, requestId: string, operation: string): Promise<T | undefined> {
  const [receipt] = await sql.all<{ operation: string; response: string }>(
    `SELECT "operation", "response" FROM "mutation_receipt" WHERE "userId" = ? AND "requestId" = ?`,
    userId,
    requestId,
  );
  if (!receipt) return undefined;
  if (receipt.operation !== operation) {
    throw new DomainError("BAD_REQUEST", `requestId was already used for a different operation (${receipt.operation})`);
  }
  return superjson.parse<T>(receipt.response);
}

export async function storeReceipt(sql: Sql, userId: string, requestId: string, operation: string, response: unknown): Promise<void> {
  await sql.run(
    `INSERT INTO "mutation_receipt" ("userId", "requestId", "operation", "response", "createdAt") VALUES (?, ?, ?, ?, ?)`,
    userId,
    requestId,
    operation,
    superjson.stringify(response),
    new Date(),
  );
}

/** Receipts only need to outlive a client's retry window. */
export async function pruneReceipts(db: Database, olderThan: Date): Promise<number> {
  const { count } = await db.prisma.mutationReceipt.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return count;
}

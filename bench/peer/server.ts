/**
 * The peer the benchmark compares against: what a create-t3-app user writes.
 * tRPC's standalone adapter, superjson, zod, and one Prisma call per save on
 * the same Prisma version and driver adapters as Virtual Office, with the
 * adapters as shipped (no wrapper, no transaction, no history, no events, no
 * version check, no authentication). Started by bench/run.ts as its own process:
 *
 *   PEER_DATABASE_URL=… PORT=… PEER_USERS=32 node --import tsx bench/peer/server.ts
 *
 * Procedures:
 * - `noop` (query): the cost of tRPC over HTTP alone.
 * - `save` (mutation): one `upsert` of a (user, key) setting.
 * - `increment` (mutation): the naive read-then-write: read the counter, add one
 *   in code, write it back. Concurrent calls lose updates; the benchmark counts them.
 * - `counter` (query): the counter's value, to count the lost updates.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { initTRPC } from "@trpc/server";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import superjson from "superjson";
import { z } from "zod";
import { PrismaClient as SqliteClient } from "@/generated/prisma-sqlite/client";
import { PrismaClient as PostgresClient } from "@/generated/prisma-postgresql/client";
import { databaseProvider, sqliteFilePath } from "@/db/url";

const url = process.env.PEER_DATABASE_URL;
if (!url) throw new Error("PEER_DATABASE_URL is not set");
const prisma =
  databaseProvider(url) === "postgresql"
    ? (new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) }) }) as unknown as SqliteClient)
    : new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: `file:${sqliteFilePath(url)}` }) });

export const peerUserId = (i: number) => `peer-user-${i}`;
const users = Number(process.env.PEER_USERS ?? 32);
for (let i = 0; i < users; i++) {
  const id = peerUserId(i);
  await prisma.user.upsert({ where: { id }, create: { id, name: "Peer", email: `${id}@example.test` }, update: {} });
}

/** Calls of `increment` that returned "+1 done" (counted here: the load generator stops before the last answers). */
let incrementsAnswered = 0;

const t = initTRPC.create({ transformer: superjson });
const saveInput = z.object({ userId: z.string().min(1).max(100), key: z.string().min(1).max(64), value: z.string().max(1000) });

const router = t.router({
  noop: t.procedure.query(() => ({ ok: true })),
  save: t.procedure.input(saveInput).mutation(({ input }) =>
    prisma.setting.upsert({
      where: { userId_key: { userId: input.userId, key: input.key } },
      create: { userId: input.userId, key: input.key, value: JSON.stringify(input.value), version: 1 },
      update: { value: JSON.stringify(input.value), version: { increment: 1 } },
      select: { version: true },
    }),
  ),
  increment: t.procedure.input(z.object({ userId: z.string() })).mutation(async ({ input }) => {
    const where = { userId_key: { userId: input.userId, key: "counter" } };
    const row = await prisma.setting.findUnique({ where, select: { value: true, version: true } });
    const next = Number(row?.value ?? 0) + 1;
    await prisma.setting.upsert({
      where,
      create: { userId: input.userId, key: "counter", value: String(next), version: 1 },
      update: { value: String(next), version: (row?.version ?? 0) + 1 },
      select: { version: true },
    });
    incrementsAnswered++;
    return { value: next };
  }),
  counter: t.procedure.input(z.object({ userId: z.string() })).query(async ({ input }) => {
    const row = await prisma.setting.findUnique({ where: { userId_key: { userId: input.userId, key: "counter" } }, select: { value: true } });
    return { value: Number(row?.value ?? 0), incrementsAnswered };
  }),
});

const port = Number(process.env.PORT ?? 3999);
createHTTPServer({ router, basePath: "/api/trpc/" }).listen(port, "127.0.0.1");
console.log(`[peer] listening on ${port} (${databaseProvider(url)}, pid ${process.pid})`);

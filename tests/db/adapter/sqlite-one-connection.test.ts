import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { describe, expect, it } from "vitest";
import { PrismaClient } from "@/generated/prisma-sqlite/client";
import { sqliteFilePath } from "@/db/url";
import { describeWithApp, useTestApp, type TestApp } from "../../harness/app";

type Client = Pick<InstanceType<typeof PrismaClient>, "$transaction" | "setting">;

/**
 * docs/decisions/0002: @prisma/adapter-better-sqlite3 runs a query made outside a
 * transaction on the one shared connection — inside whatever interactive
 * transaction is open. This scenario opens a transaction that writes and then
 * rolls back, and meanwhile runs a standalone read and a standalone write.
 */
async function standaloneWorkDuringRollback(client: Client, userId: string) {
  let opened!: () => void;
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  let finish!: () => void;
  const mayFinish = new Promise<void>((resolve) => (finish = resolve));

  const rolledBack = client
    .$transaction(async (tx) => {
      await tx.setting.update({ where: { userId_key: { userId, key: "theme" } }, data: { value: '"uncommitted"' } });
      opened();
      await mayFinish;
      throw new Error("roll back");
    })
    .then(
      () => "committed",
      () => "rolled back",
    );

  await isOpen;
  // Prisma queries are lazy: .then() sends them now, while the transaction is open.
  const read = client.setting
    .findUnique({ where: { userId_key: { userId, key: "theme" } }, select: { value: true } })
    .then((row) => row);
  const write = client.setting
    .update({
      where: { userId_key: { userId, key: "density" } },
      data: { value: '"spacious"', version: { increment: 1 } },
      select: { version: true },
    })
    .then((row) => row);
  await new Promise((resolve) => setTimeout(resolve, 50));
  finish();
  return { outcome: await rolledBack, read: await read, write: await write };
}

/** A user whose theme is "dark" (v1) and density "compact" (v1). */
async function seededUser(app: TestApp) {
  const userId = await app.createUser();
  const api = app.callerFor(userId);
  await api.settings.set({ key: "theme", value: "dark" });
  await api.settings.set({ key: "density", value: "compact" });
  return userId;
}

describeWithApp("standalone queries during another request's transaction on %s", (app) => {
  it("do not see its uncommitted data, and their writes survive its rollback", async () => {
    const userId = await seededUser(app);
    const result = await standaloneWorkDuringRollback(app.services.db.prisma, userId);
    expect(result.outcome).toBe("rolled back");
    expect(result.read?.value).toBe('"dark"');
    const density = await app.callerFor(userId).settings.get({ key: "density" });
    expect(density).toMatchObject({ value: "spacious", version: 2 });
  });
});

describeWithApp("reads during another request's open write transaction on %s", (app) => {
  it("answer before it ends (the read connection, docs/decisions/0013) and see the last committed state", async () => {
    const userId = await seededUser(app);
    const { db } = app.services;
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    let readsDone!: () => void;
    const mayCommit = new Promise<void>((resolve) => (readsDone = resolve));
    // The transaction commits only after the reads have answered: reads that waited
    // for the writer would never answer, and this test would time out.
    const committed = db.transaction(async (_tx, sql) => {
      await sql.run(`UPDATE "setting" SET "value" = ? WHERE "userId" = ? AND "key" = ?`, '"light"', userId, "theme");
      opened();
      await mayCommit;
    });
    await isOpen;
    const reads = await Promise.all([
      db.sql.all<{ value: string }>(`SELECT "value" FROM "setting" WHERE "userId" = ? AND "key" = ?`, userId, "theme"),
      db.prisma.setting.findUnique({ where: { userId_key: { userId, key: "theme" } }, select: { value: true } }),
      app.callerFor(userId).settings.get({ key: "theme" }),
      app.callerFor(userId).account.me(),
    ]);
    readsDone();
    await committed;
    expect(reads[0][0]?.value).toBe('"dark"');
    expect(reads[1]?.value).toBe('"dark"');
    expect(reads[2].value).toBe("dark");
    expect(reads[3].id).toBe(userId);
    expect((await app.callerFor(userId).settings.get({ key: "theme" })).value).toBe("light");
  });
});

// A control for the first test above: without the wrapper, the same scenario loses data.
describe("control on sqlite", () => {
  const app = useTestApp("sqlite");

  it("the unwrapped adapter really has the defect this guards against", async () => {
    const userId = await seededUser(app);
    const raw = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${sqliteFilePath(app.database.url)}` }) });
    try {
      const result = await standaloneWorkDuringRollback(raw, userId);
      expect(result.outcome).toBe("rolled back");
      expect(result.read?.value).toBe('"uncommitted"'); // read inside the other transaction
      const density = await app.callerFor(userId).settings.get({ key: "density" });
      expect(density).toMatchObject({ value: "compact", version: 1 }); // the acknowledged write vanished
    } finally {
      await raw.$disconnect();
    }
  });
});

import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { ensureUserCounter } from "@/domain/events/mutations";
import { startServices, type AppServices } from "@/server/services";
import { SESSION_SCOPES } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import { createTestDatabase, DATABASES, type DatabaseKind, type TestDatabase } from "./databases";

export interface TestApp {
  database: TestDatabase;
  services: AppServices;
  /** A signed-in caller of the real router (no HTTP), like a script with a token. */
  callerFor(userId: string): ReturnType<typeof createCaller>;
  /** Creates a user row the way sign-up does (minus the password). */
  createUser(name?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApp(kind: DatabaseKind): Promise<TestApp> {
  const database = await createTestDatabase(kind);
  const services = await startServices({
    databaseUrl: database.url,
    origins: ["http://localhost:3999"],
    authSecret: "test-secret-test-secret-test-secret-0123",
    providerKeySecret: "test-provider-key-secret-0123456789",
  });
  return {
    database,
    services,
    callerFor: (userId) =>
      createCaller({
        services,
        userId,
        principal: { userId, scopes: SESSION_SCOPES, via: "session", sessionToken: null },
        origin: null,
        fetchSite: null,
      }),
    async createUser(name = "Trader") {
      const id = randomUUID();
      await services.db.prisma.user.create({
        data: { id, name, email: `${id}@example.test` },
        select: { id: true },
      });
      await ensureUserCounter(services.db, id);
      return id;
    },
    async close() {
      await services.stop();
      await database.drop();
    },
  };
}

/**
 * A TestApp on a fresh `kind` database for the calling describe block: started
 * before its tests, closed after them. Use it from the tests and hooks only
 * (it exists once the block's beforeAll has run).
 */
export function useTestApp(kind: DatabaseKind): TestApp {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await createTestApp(kind);
  });
  afterAll(() => app?.close());
  const started = () => {
    if (!app) throw new Error("the test app is started in beforeAll; use it from tests and hooks");
    return app;
  };
  return {
    get database() {
      return started().database;
    },
    get services() {
      return started().services;
    },
    callerFor: (userId) => started().callerFor(userId),
    createUser: (name) => started().createUser(name),
    close: () => started().close(),
  };
}

/** `describe.each(DATABASES)(title, …)` with a TestApp of that database for the block (see useTestApp). */
export function describeWithApp(title: string, suite: (app: TestApp, kind: DatabaseKind) => void): void {
  describe.each(DATABASES)(title, (kind) => suite(useTestApp(kind), kind));
}

/** The TRPCError a router call was rejected with (fails the test if it resolved or threw anything else). */
export async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

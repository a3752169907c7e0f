import { randomUUID } from "node:crypto";
import { ensureUserCounter } from "@/domain/events/mutations";
import { startServices, type AppServices } from "@/server/services";
import { SESSION_SCOPES } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import { createTestDatabase, type Provider, type TestDatabase } from "./databases";

export interface TestApp {
  database: TestDatabase;
  services: AppServices;
  /** A signed-in caller of the real router (no HTTP), like a script with a token. */
  callerFor(userId: string): ReturnType<typeof createCaller>;
  /** Creates a user row the way sign-up does (minus the password). */
  createUser(name?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApp(provider: Provider): Promise<TestApp> {
  const database = await createTestDatabase(provider);
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

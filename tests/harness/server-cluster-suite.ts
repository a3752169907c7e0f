import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { createTestDatabase, type Provider, type TestDatabase } from "./databases";
import { startServers, type ServerCluster } from "./server-process";

export interface ServerClusterSuite {
  /** The server processes' base URLs (once beforeAll has run). */
  urls(): string[];
  databaseUrl(): string;
}

/**
 * The lifecycle every multi-process suite shares, registered as the calling
 * describe block's hooks: a fresh database and `processes` server processes on
 * it; every server's output printed when a test fails; at the end the suite's
 * report line, then every server stopped with SIGTERM and required to exit 0
 * having logged no internal error, and the database dropped.
 */
export function useServerCluster(
  provider: Provider,
  options: { processes: number; env?: Record<string, string>; report: (duration: string) => string },
): ServerClusterSuite {
  let database: TestDatabase | undefined;
  let cluster: ServerCluster | undefined;
  let started = 0;

  beforeAll(async () => {
    started = performance.now();
    database = await createTestDatabase(provider);
    cluster = await startServers(options.processes, { databaseUrl: database.url, env: options.env });
  });

  afterEach((context) => {
    if (context.task.result?.state === "fail" && cluster) console.error(cluster.logs());
  });

  afterAll(async () => {
    try {
      const exits = (await cluster?.stop()) ?? [];
      const internalErrors = cluster?.servers.filter((s) => /failed:/.test(s.stdout() + s.stderr())) ?? [];
      console.log(options.report(`${((performance.now() - started) / 1000).toFixed(1)} s`));
      expect(exits.map((e) => e.code), `servers exit cleanly on SIGTERM\n${cluster?.logs()}`).toEqual(exits.map(() => 0));
      expect(internalErrors.map((s) => s.logs())).toEqual([]);
    } finally {
      await database?.drop();
    }
  });

  return {
    urls: () => cluster!.urls(),
    databaseUrl: () => database!.url,
  };
}

import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "./databases";
import { startServers, type ExitInfo, type ServerCluster, type ServerProcess } from "./server-process";

export interface ServersSuite {
  /** The server processes' base URLs (once beforeAll has run). */
  urls(): string[];
  /** The first server and its base URL. */
  server(): ServerProcess;
  url(): string;
  servers(): ServerProcess[];
  database(): TestDatabase;
  databaseUrl(): string;
}

/**
 * Server processes for the calling describe block: a fresh `kind` database and
 * `processes` servers on it (one by default), started before its tests; every
 * server's output printed when a test fails; after the tests, every server
 * stopped (SIGTERM) and the database dropped.
 */
export function useServers(kind: DatabaseKind, options: { processes?: number; env?: Record<string, string> } = {}): ServersSuite {
  return registerServers(kind, options.processes ?? 1, options.env);
}

/**
 * useServers for the multi-process suites, with their shared ending: the
 * suite's report line, then every server required to have exited 0 on SIGTERM
 * having logged no internal error.
 */
export function useServerCluster(
  kind: DatabaseKind,
  options: { processes: number; env?: Record<string, string>; report: (duration: string) => string },
): ServersSuite {
  return registerServers(kind, options.processes, options.env, (cluster, exits, duration) => {
    const internalErrors = cluster?.servers.filter((s) => /failed:/.test(s.stdout() + s.stderr())) ?? [];
    console.log(options.report(duration));
    expect(exits.map((e) => e.code), `servers exit cleanly on SIGTERM\n${cluster?.logs()}`).toEqual(exits.map(() => 0));
    expect(internalErrors.map((s) => s.logs())).toEqual([]);
  });
}

function registerServers(
  kind: DatabaseKind,
  processes: number,
  env: Record<string, string> | undefined,
  afterStop?: (cluster: ServerCluster | undefined, exits: ExitInfo[], duration: string) => void,
): ServersSuite {
  let database: TestDatabase | undefined;
  let cluster: ServerCluster | undefined;
  let started = 0;

  beforeAll(async () => {
    started = performance.now();
    database = await createTestDatabase(kind);
    cluster = await startServers(processes, { databaseUrl: database.url, env });
  });

  afterEach((context) => {
    if (context.task.result?.state === "fail" && cluster) console.error(cluster.logs());
  });

  afterAll(async () => {
    try {
      const exits = (await cluster?.stop()) ?? [];
      afterStop?.(cluster, exits, `${((performance.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await database?.drop();
    }
  });

  return {
    urls: () => cluster!.urls(),
    server: () => cluster!.servers[0]!,
    url: () => cluster!.urls()[0]!,
    servers: () => cluster!.servers,
    database: () => database!,
    databaseUrl: () => database!.url,
  };
}

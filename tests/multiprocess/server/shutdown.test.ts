import http from "node:http";
import net from "node:net";
import Sqlite from "better-sqlite3";
import pg from "pg";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSetting } from "@/domain/settings/data";
import { openDatabase } from "@/db/client";
import { sqliteFilePath } from "@/db/url";
import { apiClient, openEventStream, signUpUser } from "../../harness/api-client";
import { createTestDatabase, DATABASES, type DatabaseKind, type TestDatabase } from "../../harness/databases";
import { startServers, type ServerCluster } from "../../harness/server-process";

/**
 * server.ts drains on SIGTERM (docs/architecture.md, "Layers"). A server with
 * an open event stream and a write in flight gets SIGTERM: the write still
 * completes (acknowledged
 * and stored), the stream ends cleanly (tRPC's `return`, not a dropped
 * connection), and the process exits 0 within a few seconds.
 *
 * The write is held in flight deterministically: the test itself holds the
 * lock the write needs (SQLite: the file's write lock via BEGIN IMMEDIATE;
 * PostgreSQL: the user's counter row, FOR UPDATE) and releases it only after
 * the signal was sent.
 *
 * Clients keep connections open the way browsers do: the write goes over a
 * keep-alive connection that the client never closes by itself (Node's fetch
 * would close an idle one after 4 s and so hide a server that waits for it),
 * and a second client has connected without sending anything yet (a
 * browser's preconnect, a pooled connection whose request was cancelled).
 * Neither may hold the drain.
 */

const EXIT_BOUND_MS = Number(process.env.EXIT_BOUND_MS ?? 5_000);
/**
 * The server's scheduler claims system jobs with writes; the held lock must catch
 * the test's write, not one of those: the alert sweep (every 5 s by default) is
 * moved out of the way, and the test starts after the scheduler's start-up claims.
 */
const SCHEDULER_SETTLED_MS = 5_000;
const SERVER_ENV = { VO_ALERT_SWEEP_SECONDS: "3600" };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface HeldLock {
  /** Resolves once the server's write is observably waiting on this lock. */
  untilWaitedOn(serverUrl: string): Promise<void>;
  release(): Promise<void>;
}

/** A tRPC mutation over node:http through `agent` (superjson on the wire, as the typed client sends it). */
function mutateOver(agent: http.Agent, baseUrl: string, token: string, path: string, input: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(superjson.serialize(input));
    const req = http.request(
      `${baseUrl}/api/trpc/${path}`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${token}` },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.once("end", () => {
          const envelope = JSON.parse(text) as { result?: { data: never }; error?: { json?: { message?: string } } };
          if (res.statusCode === 200 && envelope.result) resolve(superjson.deserialize(envelope.result.data));
          else reject(new Error(`${path}: HTTP ${res.statusCode} ${envelope.error?.json?.message ?? text}`));
        });
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

/** A one-off request on its own connection, destroyed (not pooled) when it times out. */
function answersWithin(url: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.once("end", () => resolve(true));
    });
    req.setTimeout(ms, () => {
      req.destroy();
      resolve(false);
    });
    req.once("error", () => resolve(false));
  });
}

async function holdUserWriteLock(kind: DatabaseKind, databaseUrl: string, userId: string): Promise<HeldLock> {
  if (kind === "sqlite") {
    const connection = new Sqlite(sqliteFilePath(databaseUrl));
    connection.exec("BEGIN IMMEDIATE");
    return {
      // A server process waiting for SQLite's write lock sits in the busy
      // handler, which blocks its event loop: /healthz stops answering.
      async untilWaitedOn(serverUrl) {
        const deadline = Date.now() + 4_000;
        while (Date.now() < deadline) {
          if (!(await answersWithin(`${serverUrl}/healthz`, 800))) return;
          await sleep(30);
        }
        throw new Error("the write never waited on the lock");
      },
      async release() {
        if (!connection.open) return;
        connection.exec("COMMIT");
        connection.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`SELECT 1 FROM "user_counter" WHERE "userId" = $1 FOR UPDATE`, [userId]);
  const database = new URL(databaseUrl).pathname.slice(1);
  let released = false;
  return {
    async untilWaitedOn() {
      const deadline = Date.now() + 4_000;
      while (Date.now() < deadline) {
        const { rows } = await client.query<{ waiting: string }>(
          `SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
          [database],
        );
        if (Number(rows[0]?.waiting) > 0) return;
        await sleep(30);
      }
      throw new Error("the write never waited on the lock");
    },
    async release() {
      if (released) return;
      released = true;
      await client.query("COMMIT");
      await client.end();
    },
  };
}

describe.each(DATABASES)("graceful shutdown on %s", (kind) => {
  let database: TestDatabase | undefined;
  let cluster: ServerCluster | undefined;
  let lock: HeldLock | undefined;
  const agents: http.Agent[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });

  afterAll(async () => {
    try {
      await lock?.release();
      for (const agent of agents) agent.destroy();
      await cluster?.stop();
    } finally {
      await database?.drop();
    }
  });

  it("SIGTERM with an open stream and an in-flight write: the write is acknowledged and stored, the stream ends, exit 0", async () => {
    cluster = await startServers(1, { databaseUrl: database!.url, env: SERVER_ENV });
    const server = cluster.servers[0]!;
    const user = await signUpUser(server.url);
    const api = apiClient(server.url, user.token);
    const first = await api.settings.set.mutate({ key: "theme", value: "light" });
    expect(first.version).toBe(1);

    const stream = openEventStream(api);
    await stream.waitFor((events) => events.length >= 1, 10_000, "the stream's first event");
    await sleep(Math.max(0, server.spawnedAt + SCHEDULER_SETTLED_MS + 1_000 - performance.now()));

    // A browser-like client: a keep-alive connection it does not close on its own, already used once.
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(keepAlive);
    const warm = (await mutateOver(keepAlive, server.url, user.token, "settings.set", { key: "density", value: "compact" })) as { version: number };
    expect(warm.version).toBe(1);
    // A client connected that has sent nothing yet; the server has accepted it once it answers a later request.
    const preconnected = net.connect(server.port, "127.0.0.1");
    const preconnectClosed = new Promise<void>((resolve) => preconnected.once("close", () => resolve()));
    preconnected.on("error", () => {});
    await new Promise<void>((resolve) => preconnected.once("connect", () => resolve()));
    expect(await answersWithin(`${server.url}/healthz`, 5_000)).toBe(true);

    lock = await holdUserWriteLock(kind, database!.url, user.userId);
    let acknowledged: { value: unknown; version: number } | undefined;
    let failure: unknown;
    const write = mutateOver(keepAlive, server.url, user.token, "settings.set", { key: "theme", value: "dark" }).then(
      (ack) => void (acknowledged = ack as { value: unknown; version: number }),
      (error) => void (failure = error),
    );
    await lock.untilWaitedOn(server.url);

    const signalledAt = performance.now();
    server.kill("SIGTERM");
    await sleep(700);
    expect(acknowledged, "the write waits for the lock").toBeUndefined();
    expect(server.exitInfo(), "the server waits for the in-flight write").toBeNull();
    await lock.release();

    await within(write, EXIT_BOUND_MS, "the in-flight write");
    expect(failure, String(failure)).toBeUndefined();
    expect(acknowledged).toMatchObject({ value: "dark", version: 2 });

    expect(await within(stream.ended, EXIT_BOUND_MS, "the end of the stream"), String(stream.error())).toBe("completed");
    const exit = await within(server.exited, EXIT_BOUND_MS, "the process exit (the server waited for connections it should have closed)");
    await within(preconnectClosed, 1_000, "the preconnected client's connection to close");
    const exitMs = performance.now() - signalledAt;
    expect(exit, server.logs()).toEqual({ code: 0, signal: null });
    expect(server.stdout()).toMatch(/SIGTERM: draining[\s\S]*stopped/);
    expect(server.stderr()).toBe("");

    // Stored: read straight from the database, the server being gone.
    const db = openDatabase(database!.url);
    try {
      const stored = await getSetting(db, user.userId, "theme");
      expect({ value: stored.value, version: stored.version }).toEqual({ value: "dark", version: 2 });
    } finally {
      await db.close();
    }
    console.log(
      `[shutdown ${kind}] in-flight write acknowledged v${acknowledged?.version} and stored; stream ${stream.state()}; ` +
        `exit code ${exit.code} ${exitMs.toFixed(0)} ms after SIGTERM (lock released after 700 ms)`,
    );
  });
});

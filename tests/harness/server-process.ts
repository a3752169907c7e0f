import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Real server processes for multi-process tests: `node --import tsx server.ts`
 * with VO_API_ONLY=1 (no Next build needed), each on its own free port,
 * all against one database URL. Output is captured so that a failing test can
 * say what the servers said.
 */

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SERVER_ENTRY = path.join(REPO_ROOT, "server.ts");
/** Ports other services here use; never handed to a test server. */
const RESERVED_PORTS = new Set([5432, 3306, 6379, 5672, 1883, 4222]);
const OUTPUT_LIMIT = 64 * 1024;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  /** Position in its cluster (0-based), for messages. */
  readonly index: number;
  readonly port: number;
  readonly pid: number;
  /** performance.now() when the process was spawned. */
  readonly spawnedAt: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** The exit, once it happened; null while running. */
  exitInfo(): ExitInfo | null;
  /** The last 64 KiB of stdout / stderr. */
  stdout(): string;
  stderr(): string;
  /** Both streams, labelled, for failure messages. */
  logs(): string;
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, then waits for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

export interface StartServerOptions {
  databaseUrl: string;
  /** Folder for the generated auth secret; every process of one test must share it. */
  secretsDir: string;
  /** Extra node flags (e.g. `--cpu-prof` to profile a bench run; NODE_OPTIONS refuses it). */
  execArgv?: string[];
  /** Extra environment (wins over the defaults). */
  env?: Record<string, string | undefined>;
  /** How long to wait for /healthz (default 90 s: four processes compile TypeScript at once on two CPUs). */
  readyTimeoutMs?: number;
  index?: number;
  /** Another entry file instead of server.ts (e.g. a patched copy while checking a fix). */
  entry?: string;
  /** A fixed port (a restarted server keeps its origin); by default a free one is picked. */
  port?: number;
}

export interface ServerCluster {
  readonly servers: ServerProcess[];
  readonly secretsDir: string;
  urls(): string[];
  /** Every server's output, labelled. */
  logs(): string;
  /** Stops every server still running (SIGTERM, then SIGKILL) and removes the secrets folder. */
  stop(): Promise<ExitInfo[]>;
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = net.createServer();
      probe.unref();
      probe.once("error", reject);
      probe.listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    if (!RESERVED_PORTS.has(port)) return port;
  }
}

/** Every child still running when the test process exits gets SIGKILL (a crashed test leaves no orphans). */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess) {
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of liveChildren) c.kill("SIGKILL");
  });
}

class EarlyExit extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
  }
}

/** Starts one server process and resolves once its /healthz answers. Retries on a port race. */
export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, options.port ?? (await freePort()));
    } catch (error) {
      if (error instanceof EarlyExit && error.addressInUse && options.port === undefined && attempt < 5) continue;
      throw error;
    }
  }
}

async function startOnce(options: StartServerOptions, port: number): Promise<ServerProcess> {
  const index = options.index ?? 0;
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Whatever the test runner set must not leak into the server.
  for (const key of Object.keys(env)) if (key.startsWith("VITEST") || key === "BETTER_AUTH_SECRET") delete env[key];
  Object.assign(env, {
    NODE_ENV: "production",
    VO_API_ONLY: "1",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: options.databaseUrl,
    VO_SECRETS_DIR: options.secretsDir,
    AUTH_RATE_LIMIT: "off",
    // Tests feed their own prices; the simulated feed would add ticks nobody expects.
    VO_SIMULATED_FEED: "off",
    // Four processes per test on a PostgreSQL server that other runs share.
    DATABASE_POOL_SIZE: "6",
    NEXT_TELEMETRY_DISABLED: "1",
    ...options.env,
  });

  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(options.execArgv ?? []), "--import", "tsx", options.entry ?? process.env.VO_TEST_SERVER_ENTRY ?? SERVER_ENTRY], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  trackChild(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out = (out + chunk).slice(-OUTPUT_LIMIT)));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err = (err + chunk).slice(-OUTPUT_LIMIT)));

  let exit: ExitInfo | null = null;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
    child.once("error", (error) => {
      err += `\n[spawn error] ${error.message}`;
      exit ??= { code: null, signal: null };
      resolve(exit);
    });
  });

  const url = `http://127.0.0.1:${port}`;
  const logs = () => `--- server #${index} (pid ${child.pid}, ${url}) stdout ---\n${out}\n--- stderr ---\n${err}`;
  const handle: ServerProcess = {
    index,
    port,
    pid: child.pid ?? -1,
    spawnedAt,
    url,
    exited,
    exitInfo: () => exit,
    stdout: () => out,
    stderr: () => err,
    logs,
    kill(signal = "SIGTERM") {
      if (exit === null) child.kill(signal);
    },
    async stop(graceMs = 15_000) {
      if (exit !== null) return exit;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (exit !== null) {
      const info = exit as ExitInfo;
      throw new EarlyExit(
        `server #${index} exited before it was ready (code ${info.code}, signal ${info.signal})\n${logs()}`,
        /EADDRINUSE/.test(err + out),
      );
    }
    if (Date.now() > deadline) {
      await handle.stop(2_000);
      throw new Error(`server #${index} was not ready within ${options.readyTimeoutMs ?? 90_000} ms\n${logs()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok && (await res.text()) === "ok") return handle;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts `count` server processes on one database (they start in parallel, so
 * their startup migrations race, as in production). If any fails to start,
 * the others are stopped before the error is thrown.
 */
export async function startServers(
  count: number,
  options: { databaseUrl: string; env?: Record<string, string | undefined>; secretsDir?: string },
): Promise<ServerCluster> {
  const ownSecrets = options.secretsDir === undefined;
  const secretsDir = options.secretsDir ?? mkdtempSync(path.join(os.tmpdir(), `vo-secrets-${randomBytes(3).toString("hex")}-`));
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, index) => startServer({ databaseUrl: options.databaseUrl, secretsDir, env: options.env, index })),
  );
  const servers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  const cluster: ServerCluster = {
    servers,
    secretsDir,
    urls: () => servers.map((s) => s.url),
    logs: () => servers.map((s) => s.logs()).join("\n"),
    async stop() {
      const exits = await Promise.all(servers.map((s) => s.stop()));
      if (ownSecrets) rmSync(secretsDir, { recursive: true, force: true });
      return exits;
    },
  };
  if (failed) {
    await cluster.stop();
    throw failed.reason;
  }
  return cluster;
}

import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../tests/harness/server-process";

const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface BenchProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts bench/peer/server.ts on `databaseUrl` (its own database) and waits until `noop` answers. */
export function startPeer(databaseUrl: string, users: number): Promise<BenchProcess> {
  return startBenchServer("peer/server.ts", { PEER_DATABASE_URL: databaseUrl, PEER_USERS: String(users) }, {});
}

/** Starts bench/noop/server.ts (Virtual Office's tRPC stack, one no-op query) beside a server on `databaseUrl`. */
export function startNoopServer(databaseUrl: string, secretsDir: string, authorization: string): Promise<BenchProcess> {
  return startBenchServer("noop/server.ts", { DATABASE_URL: databaseUrl, VO_SECRETS_DIR: secretsDir, VO_SIMULATED_FEED: "off" }, { authorization });
}

async function startBenchServer(entry: string, env: Record<string, string>, headers: Record<string, string>): Promise<BenchProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(BENCH_DIR, entry)], {
    cwd: path.resolve(BENCH_DIR, ".."),
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), DATABASE_POOL_SIZE: "10", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output = (output + chunk).slice(-8192)));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output = (output + chunk).slice(-8192)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (gone) throw new Error(`${entry} exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${entry} was not ready within 90 s:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/api/trpc/noop`, { headers, signal: AbortSignal.timeout(1_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (gone) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

import { readFileSync } from "node:fs";
import autocannon from "autocannon";

/** One closed-loop (or paced) HTTP load run, as the tables print it. */
export interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  /** 2xx answers. */
  ok: number;
}

export interface LoadOptions {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
  /** Connection i sends perConnection[i % n] (headers and body): one user per connection. */
  perConnection?: Array<{ headers?: Record<string, string>; body?: string }>;
  connections?: number;
  seconds: number;
  /** Paced instead of closed-loop: requests per second over all connections. */
  overallRate?: number;
}

export async function load(options: LoadOptions): Promise<Load> {
  let nextConnection = 0;
  const perConnection = options.perConnection;
  const result = await autocannon({
    url: options.url,
    method: options.method ?? "GET",
    body: options.body,
    headers: options.headers,
    connections: options.connections ?? 32,
    duration: options.seconds,
    overallRate: options.overallRate,
    setupClient: perConnection
      ? (client) => {
          const mine = perConnection[nextConnection++ % perConnection.length]!;
          client.setHeadersAndBody({ ...options.headers, ...mine.headers }, mine.body ?? options.body);
        }
      : undefined,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    ok: result["2xx"],
  };
}

/** A short unrecorded run first, so every measured run starts with a warm JIT and warm caches. */
export async function warmLoad(options: LoadOptions, warmupSeconds: number): Promise<Load> {
  if (warmupSeconds > 0) await load({ ...options, seconds: warmupSeconds });
  return load(options);
}

/** CPU time (user + system, ms) a process has used so far; 0 where /proc is missing. */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return 0;
  }
}

/** Peak resident set size (MiB) of a process while `during` runs, sampled from /proc every 100 ms. */
export async function peakRss<T>(pid: number, during: () => Promise<T>): Promise<{ result: T; rssMiB: number }> {
  let peakKiB = 0;
  const sample = () => {
    try {
      const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      peakKiB = Math.max(peakKiB, kib);
    } catch {
      // not Linux, or the process is gone: no figure
    }
  };
  const timer = setInterval(sample, 100);
  try {
    const result = await during();
    sample();
    return { result, rssMiB: peakKiB / 1024 };
  } finally {
    clearInterval(timer);
  }
}

import http from "node:http";
import type { Load, LoadOptions } from "./load";

/**
 * Open-loop load at an even pace: request i is due at start + i / rate, sent then
 * (or as soon as one of `connections` keep-alive sockets is free), and its latency
 * runs from when it was due — so a stalled server is charged for the requests it
 * kept waiting (no coordinated omission). autocannon's `overallRate` instead sends
 * each second's quota in a burst at the start of the second, which measures the
 * burst, not the server.
 */
export async function paced(options: LoadOptions & { overallRate: number }): Promise<Load> {
  const connections = options.connections ?? 4;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(options.url);
  try {
    return await pacedCalls(options.overallRate, options.seconds, (i) => {
      const mine = options.perConnection?.[i % options.perConnection.length];
      return send(agent, target, options.method ?? "GET", { ...options.headers, ...mine?.headers }, mine?.body ?? options.body);
    });
  } finally {
    agent.destroy();
  }
}

/** The same pacing for any call (a driver's query, say): call i is due at start + i / rate; false or a throw is an error. */
export async function pacedCalls(rate: number, seconds: number, call: (i: number) => Promise<boolean>): Promise<Load> {
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const calls: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(
      call(i).then(
        (ok) => void (ok ? latencies.push(performance.now() - due) : errors++),
        () => void errors++,
      ),
    );
  }
  await Promise.all(calls);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors, ok: latencies.length };
}

function send(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method, headers: body ? { ...headers, "content-length": Buffer.byteLength(body) } : headers }, (res) => {
      res.resume();
      res.on("end", () => resolve((res.statusCode ?? 500) < 300));
    });
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

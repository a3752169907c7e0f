/**
 * `npm run bench`: throughput and latency of the main operations over HTTP and
 * of the stream's fan-out, printed next to raw ceilings measured in the same
 * run and next to a naive read-modify-write implementation (lost updates counted).
 * Figures only — no assertions; compare runs on the same machine.
 */
import http from "node:http";
import BetterSqlite3 from "better-sqlite3";
import autocannon from "autocannon";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { signUp } from "../tests/harness/api-client";
import { createTestApp } from "../tests/harness/app";
import { createTestDatabase } from "../tests/harness/databases";
import { startServer } from "../tests/harness/server-process";

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 32;
const rows: Array<[string, string, string]> = [];

function record(name: string, result: autocannon.Result) {
  const errors = result.errors + result.non2xx;
  rows.push([name, `${Math.round(result.requests.average)} req/s`, `p50 ${result.latency.p50} ms · p99 ${result.latency.p99} ms · errors ${errors}`]);
}

async function cannon(options: autocannon.Options) {
  return autocannon({ duration: DURATION, connections: CONNECTIONS, ...options });
}

async function emptyHttpCeiling() {
  const server = http.createServer((_req, res) => res.end("{}"));
  await new Promise<void>((resolve) => server.listen(3391, "127.0.0.1", resolve));
  record("ceiling: empty Node HTTP server", await cannon({ url: "http://127.0.0.1:3391/" }));
  server.close();
}

function sqliteConditionalUpdateCeiling() {
  const db = new BetterSqlite3(":memory:");
  db.exec("CREATE TABLE s (id INTEGER PRIMARY KEY, value TEXT, version INTEGER); INSERT INTO s VALUES (1, 'x', 0)");
  const update = db.prepare("UPDATE s SET value = ?, version = version + 1 WHERE id = 1 AND version = ?");
  const started = performance.now();
  let version = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) version += update.run(`v${i}`, version).changes;
  const seconds = (performance.now() - started) / 1000;
  rows.push(["ceiling: raw better-sqlite3 conditional UPDATE", `${Math.round(n / seconds)} ops/s`, "in-memory, one connection"]);
}

async function httpOperations() {
  const database = await createTestDatabase("sqlite");
  const server = await startServer({ databaseUrl: database.url, secretsDir: mkdtempSync(path.join(os.tmpdir(), "vo-bench-")) });
  try {
    const token = await signUp(server.url);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const input = encodeURIComponent(JSON.stringify({ json: { key: "theme" } }));
    record("settings.get over HTTP (SQLite)", await cannon({ url: `${server.url}/api/trpc/settings.get?input=${input}`, headers }));
    record(
      "settings.set over HTTP, same key (SQLite)",
      await cannon({
        url: `${server.url}/api/trpc/settings.set`,
        method: "POST",
        headers,
        body: JSON.stringify({ json: { key: "alertCooldownSeconds", value: 60 } }),
      }),
    );
    await providerOperations(server.url, headers);
    await fanOut(server.url, token);
  } finally {
    await server.stop();
    await database.drop();
  }
}

/** providers.list and a setActive storm over four providers; then the invariant is checked and printed. */
async function providerOperations(url: string, headers: Record<string, string>) {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${url}/api/trpc/providers.add`, {
      method: "POST",
      headers,
      body: JSON.stringify({ json: { name: `Bench ${i}`, model: "m", apiKey: `sk-bench-${i}-0123456789` } }),
    });
    ids.push(((await res.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id);
  }
  record("providers.list over HTTP (SQLite)", await cannon({ url: `${url}/api/trpc/providers.list`, headers }));
  record(
    "providers.setActive over HTTP, 4 providers (SQLite)",
    await cannon({
      url: `${url}/api/trpc/providers.setActive`,
      method: "POST",
      headers,
      requests: ids.map((id) => ({ method: "POST", body: JSON.stringify({ json: { id } }) })),
    }),
  );
  const list = (await (await fetch(`${url}/api/trpc/providers.list`, { headers })).json()) as {
    result: { data: { json: Array<{ isActive: boolean }> } };
  };
  const active = list.result.data.json.filter((p) => p.isActive).length;
  rows.push(["providers after the setActive storm", `${active} active`, `of ${list.result.data.json.length} (must be 1)`]);
}

/** 50 SSE subscribers of one user; time from sending a write to its event arriving on every stream. */
async function fanOut(url: string, token: string) {
  const SUBSCRIBERS = 50;
  const EVENTS = 100;
  const received: number[][] = Array.from({ length: SUBSCRIBERS }, () => []);
  const controllers: AbortController[] = [];
  const input = encodeURIComponent(JSON.stringify({ json: {} }));
  await Promise.all(
    received.map(async (times) => {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${url}/api/trpc/stream.events?input=${input}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      void (async () => {
        let buffer = "";
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            buffer += decoder.decode(value, { stream: true });
            let cut;
            while ((cut = buffer.indexOf("\n\n")) >= 0) {
              const frame = buffer.slice(0, cut);
              buffer = buffer.slice(cut + 2);
              // Only this phase's writes (values 1000+e), not late ones from the load runs.
              const match = /"value":(1\d{3}),"version"/.exec(frame);
              if (match) times[Number(match[1]) - 1000] = performance.now();
            }
          }
        } catch {
          /* aborted */
        }
      })();
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sentAt: number[] = [];
  for (let e = 0; e < EVENTS; e++) {
    sentAt.push(performance.now());
    await fetch(`${url}/api/trpc/settings.set`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ json: { key: "alertCooldownSeconds", value: 1000 + e } }),
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  controllers.forEach((c) => c.abort());
  const latencies: number[] = [];
  let delivered = 0;
  for (const times of received) {
    times.forEach((t, e) => {
      delivered++;
      latencies.push(t - sentAt[e]!);
    });
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies[Math.floor((latencies.length - 1) * p)] ?? NaN).toFixed(1);
  rows.push([
    `stream fan-out: ${SUBSCRIBERS} subscribers × ${EVENTS} events`,
    `${delivered}/${SUBSCRIBERS * EVENTS} delivered`,
    `write sent→delivered p50 ${pct(0.5)} ms · p99 ${pct(0.99)} ms (SQLite, one process)`,
  ]);
}

/** 16 concurrent "add a ticker to the watchlist" operations, naive vs version-checked. */
async function naiveVersusGuarded() {
  const providers = process.env.TEST_DATABASE_URL_PG ? (["sqlite", "postgresql"] as const) : (["sqlite"] as const);
  for (const provider of providers) {
    const app = await createTestApp(provider);
    try {
      const userId = await app.createUser();
      const api = app.callerFor(userId);
      const { prisma } = app.services.db;
      const N = 50;
      const key = { userId_key: { userId, key: "watchlist" } };
      await prisma.setting.create({ data: { userId, key: "watchlist", value: "[]", version: 1 } });
      // Naive: read the list, append, write the whole list back — no guard.
      await runConcurrently(16, N, async (i) => {
        const row = await prisma.setting.findUniqueOrThrow({ where: key, select: { value: true } });
        const list = JSON.parse(row.value ?? "[]") as string[];
        await prisma.setting.update({ where: key, data: { value: JSON.stringify([...list, `N${i}`]) } });
      });
      const naive = JSON.parse((await prisma.setting.findUniqueOrThrow({ where: key })).value ?? "[]") as string[];
      const naiveLost = N - naive.length;
      await prisma.setting.deleteMany({ where: { userId } });
      // Guarded: the same operation through settings.set with expectedVersion, retried on CONFLICT.
      let conflicts = 0;
      const started = performance.now();
      await runConcurrently(16, N, async (i) => {
        for (;;) {
          const current = await api.settings.get({ key: "watchlist" });
          try {
            await api.settings.set({ key: "watchlist", value: [...(current.value as string[]), `G${i}`], expectedVersion: current.version });
            return;
          } catch (error) {
            if ((error as { code?: string }).code !== "CONFLICT") throw error;
            conflicts++;
          }
        }
      });
      const guarded = (await api.settings.get({ key: "watchlist" })).value as string[];
      const seconds = (performance.now() - started) / 1000;
      rows.push([`naive read-modify-write, 16 clients (${provider})`, `${N} appends`, `lost ${naiveLost} (kept ${naive.length} of ${N})`]);
      rows.push([`version-checked settings.set + retry (${provider})`, `${Math.round(N / seconds)} appends/s`, `lost ${N - guarded.length}, ${conflicts} conflicts retried`]);
    } finally {
      await app.close();
    }
  }
}

async function runConcurrently(workers: number, total: number, operation: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < total) await operation(next++);
    }),
  );
}

await emptyHttpCeiling();
sqliteConditionalUpdateCeiling();
await httpOperations();
await naiveVersusGuarded();

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`\nVirtual Office benchmark — ${DURATION}s per HTTP run, ${CONNECTIONS} connections\n`);
for (const [name, rate, detail] of rows) console.log(`${name.padEnd(width)}  ${rate.padStart(18)}  ${detail}`);
process.exit(0);

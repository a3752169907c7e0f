/**
 * Further figures, as before issue 13: providers.list and a setActive storm (and
 * the "one active provider" invariant after it), the stream's fan-out to 50
 * subscribers, and a naive read-modify-write next to version-checked
 * settings.set (lost updates counted). Full runs only (not BENCH_QUICK).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { signUp } from "../tests/harness/api-client";
import { createTestApp } from "../tests/harness/app";
import { createTestDatabase, DATABASES } from "../tests/harness/databases";
import { startServer } from "../tests/harness/server-process";
import { warmLoad, type LoadOptions } from "./lib/load";

export type Line = [string, string, string];

let rows: Line[] = [];
let seconds = 5;
let warmup = 1;

function record(name: string, result: { rps: number; p50: number; p99: number; errors: number }) {
  rows.push([name, `${Math.round(result.rps)} req/s`, `p50 ${result.p50} ms · p99 ${result.p99} ms · errors ${result.errors}`]);
}

const cannon = (options: Omit<LoadOptions, "seconds">) => warmLoad({ connections: 32, ...options, seconds }, warmup);

export async function moreFigures(settings: { seconds: number; warmup: number }): Promise<Line[]> {
  rows = [];
  seconds = settings.seconds;
  warmup = settings.warmup;
  const database = await createTestDatabase("sqlite");
  const secretsDir = mkdtempSync(path.join(os.tmpdir(), "vo-bench-"));
  const server = await startServer({ databaseUrl: database.url, secretsDir });
  try {
    const token = await signUp(server.url);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    await providerOperations(server.url, headers);
    await fanOut(server.url, token);
  } finally {
    await server.stop();
    rmSync(secretsDir, { recursive: true, force: true });
    await database.drop();
  }
  await naiveVersusGuarded();
  return rows;
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
      perConnection: ids.map((id) => ({ body: JSON.stringify({ json: { id } }) })),
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
  for (const provider of DATABASES) {
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


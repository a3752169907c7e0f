/**
 * One database kind: the t3-style peer (bench/peer/server.ts) and Virtual Office
 * (server.ts, API only), each in its own process on its own fresh database, both
 * started before the first run. Each peer row runs right before the Virtual Office
 * row it is compared with, so a change in the machine's load hits both alike.
 */
import { mkdtempSync, rmSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { sqliteFilePath } from "@/db/url";
import os from "node:os";
import path from "node:path";
import { signUpUser } from "../tests/harness/api-client";
import { createTestDatabase, type DatabaseKind } from "../tests/harness/databases";
import { startServer } from "../tests/harness/server-process";
import { cpuMs, load, peakRss, type Load, type LoadOptions } from "./lib/load";
import { paced, pacedCalls } from "./lib/paced";
import { loadInChild } from "./lib/storm";
import { startNoopServer, startPeer } from "./lib/peer";

export interface BenchSettings {
  seconds: number;
  warmup: number;
  connections: number;
  users: number;
  /** The paced reader beside a write storm: connections and requests per second. */
  readerConnections: number;
  readerRate: number;
}

export interface Measured extends Load {
  /** Server CPU time (user + system) per answered request, µs: work, without the queueing. */
  cpuUs?: number;
  /** Peak RSS of the server process during the run (MiB). */
  rssMiB?: number;
  note?: string;
}

export type Row =
  | "peer.noop"
  | "peer.save32"
  | "peer.save1"
  | "peer.naive1"
  | "peer.readIdle"
  | "peer.readStorm"
  | "peer.readHalf"
  | "vo.noop"
  | "vo.me"
  | "vo.get"
  | "vo.set32"
  | "vo.set1"
  | "vo.readIdle"
  | "vo.readStorm"
  | "vo.readHalf"
  | "raw.readIdle"
  | "raw.readStorm";

export type Results = Partial<Record<Row, Measured>>;

const json = (value: unknown) => JSON.stringify({ json: value });
const query = (value: unknown) => `?input=${encodeURIComponent(json(value))}`;
const CONTENT = { "content-type": "application/json" };

export async function benchDatabase(kind: DatabaseKind, s: BenchSettings): Promise<Results> {
  const results: Results = {};
  const peerDatabase = await createTestDatabase(kind);
  const voDatabase = await createTestDatabase(kind);
  const secretsDir = mkdtempSync(path.join(os.tmpdir(), "vo-bench-"));
  const [peer, server] = await Promise.all([
    startPeer(peerDatabase.url, s.users),
    startServer({ databaseUrl: voDatabase.url, secretsDir, env: { DATABASE_POOL_SIZE: "10" } }),
  ]);
  try {
    const tokens: string[] = [];
    for (let i = 0; i < s.users; i += 4) {
      const batch = await Promise.all(Array.from({ length: Math.min(4, s.users - i) }, () => signUpUser(server.url)));
      tokens.push(...batch.map((u) => u.token));
    }
    const users = tokens.map((token) => ({ headers: { authorization: `Bearer ${token}`, ...CONTENT } }));
    const noop = await startNoopServer(voDatabase.url, secretsDir, `Bearer ${tokens[0]}`);
    const peerApi = `${peer.url}/api/trpc`;
    const voApi = `${server.url}/api/trpc`;
    const measure = async (pid: number, o: Omit<LoadOptions, "seconds">): Promise<Measured> => {
      const options = { ...o, seconds: s.seconds, connections: o.connections ?? s.connections };
      if (s.warmup > 0) await load({ ...options, seconds: s.warmup });
      const cpuBefore = cpuMs(pid);
      const { result, rssMiB } = await peakRss(pid, () => load(options));
      const cpuUs = ((cpuMs(pid) - cpuBefore) * 1000) / Math.max(1, result.ok + result.errors);
      return { ...result, cpuUs, rssMiB };
    };

    // Each server fresh from its start runs its first rows cold (JIT, caches), whichever row comes
    // first would pay for it: every server gets the same longer warm-up on its read endpoints first.
    const prewarm = (o: Omit<LoadOptions, "seconds">) => (s.warmup > 0 ? load({ ...o, seconds: 3 * s.warmup, connections: s.connections }) : null);
    await prewarm({ url: `${peerApi}/noop` });
    await prewarm({ url: `${noop.url}/api/trpc/noop`, perConnection: users });
    await prewarm({ url: `${voApi}/account.me`, perConnection: users });
    await prewarm({ url: `${voApi}/settings.get${query({ key: "theme" })}`, perConnection: users });

    // Reads: the no-op queries are the yardsticks for account.me and settings.get.
    results["peer.noop"] = await measure(peer.pid, { url: `${peerApi}/noop` });
    results["vo.noop"] = await measure(noop.pid, { url: `${noop.url}/api/trpc/noop`, perConnection: users });
    await noop.stop();
    results["vo.me"] = await measure(server.pid, { url: `${voApi}/account.me`, perConnection: users });
    results["vo.get"] = await measure(server.pid, { url: `${voApi}/settings.get${query({ key: "theme" })}`, perConnection: users });

    // Saves: 32 users (one per connection), then everyone on one user and one key.
    const peerSaves = Array.from({ length: s.users }, (_, i) => ({ body: json({ userId: `peer-user-${i}`, key: "theme", value: "dark" }) }));
    const peerStorm = { url: `${peerApi}/save`, method: "POST" as const, headers: CONTENT, perConnection: peerSaves };
    const voStorm = { url: `${voApi}/settings.set`, method: "POST" as const, body: json({ key: "theme", value: "dark" }), perConnection: users };
    results["peer.save32"] = await measure(peer.pid, peerStorm);
    results["vo.set32"] = await measure(server.pid, voStorm);
    results["peer.save1"] = await measure(peer.pid, { ...peerStorm, perConnection: [peerSaves[0]!] });
    results["vo.set1"] = await measure(server.pid, { ...voStorm, perConnection: [users[0]!] });

    // The peer's naive read-then-write on one counter: every answered call claimed "+1".
    const before = await peerCounter(peerApi);
    const naive = await load({ url: `${peerApi}/increment`, method: "POST", headers: CONTENT, body: json({ userId: "peer-user-0" }), seconds: s.seconds, connections: s.connections });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the calls still in flight finish
    const after = await peerCounter(peerApi);
    const answered = after.incrementsAnswered - before.incrementsAnswered;
    results["peer.naive1"] = { ...naive, note: `lost ${answered - (after.value - before.value)} of ${answered} acknowledged increments` };

    // A paced reader, idle and beside each server's own save storm.
    const peerReader = { url: `${peerApi}/counter${query({ userId: "peer-user-1" })}`, connections: s.readerConnections, overallRate: s.readerRate };
    const voReader = { url: `${voApi}/settings.get${query({ key: "theme" })}`, perConnection: [users[1]!], connections: s.readerConnections, overallRate: s.readerRate };
    // Readers and the half-rate storm are paced evenly (bench/lib/paced.ts), latency counted from each request's due time.
    const read = (o: typeof peerReader) => paced({ ...o, seconds: s.seconds });
    if (s.warmup > 0) await Promise.all([paced({ ...peerReader, seconds: s.warmup }), paced({ ...voReader, seconds: s.warmup })]);
    results["peer.readIdle"] = await read(peerReader);
    results["vo.readIdle"] = await read(voReader);
    // The storm runs in its own process: its responses would otherwise delay the reader's own event loop.
    const storm = (o: Omit<LoadOptions, "seconds">) => () => loadInChild({ ...o, seconds: s.seconds + 3, connections: s.connections });
    results["peer.readStorm"] = await beside(() => read(peerReader), storm(peerStorm));
    results["vo.readStorm"] = await beside(() => read(voReader), storm(voStorm));
    // The same beside saves at half the rate each server managed alone, evenly paced: writes that leave room.
    const half = (o: Omit<LoadOptions, "seconds">, m?: Measured) => () =>
      loadInChild({ ...o, seconds: s.seconds + 3, connections: s.connections, overallRate: Math.max(1, Math.round((m?.rps ?? 2) / 2)) });
    results["peer.readHalf"] = await beside(() => read(peerReader), half(peerStorm, results["peer.save32"]));
    results["vo.readHalf"] = await beside(() => read(voReader), half(voStorm, results["vo.set32"]));
    // The same reads straight through the driver, on their own connection, beside the same storm:
    // what the machine and the database leave a reader, with no server in between.
    const raw = await rawPointReader(kind, voDatabase.url, await userIdOf(voApi, users[1]!.headers));
    try {
      const rawRead = () => pacedCalls(s.readerRate, s.seconds, raw.read);
      results["raw.readIdle"] = await rawRead();
      results["raw.readStorm"] = await beside(rawRead, storm(voStorm));
    } finally {
      await raw.close();
    }
    return results;
  } finally {
    await Promise.all([peer.stop(), server.stop()]);
    rmSync(secretsDir, { recursive: true, force: true });
    await Promise.all([peerDatabase.drop(), voDatabase.drop()]);
  }
}

/** One connection of the database's own driver that reads a user's setting, as settings.get's statement does. */
async function rawPointReader(kind: DatabaseKind, url: string, userId: string): Promise<{ read: () => Promise<boolean>; close: () => Promise<void> }> {
  const text = `SELECT "value", "version", "updatedAt" FROM "setting" WHERE "userId" = $1 AND "key" = 'theme'`;
  if (kind === "postgresql") {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return { read: async () => (await client.query({ name: "raw_read", text, values: [userId] })).rowCount === 1, close: () => client.end() };
  }
  const db = new BetterSqlite3(sqliteFilePath(url), { readonly: true });
  const statement = db.prepare(text.replace("$1", "?"));
  return { read: async () => statement.get(userId) !== undefined, close: async () => void db.close() };
}

async function userIdOf(api: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${api}/account.me`, { headers });
  return ((await res.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
}

async function peerCounter(api: string): Promise<{ value: number; incrementsAnswered: number }> {
  const res = await fetch(`${api}/counter${query({ userId: "peer-user-0" })}`);
  return ((await res.json()) as { result: { data: { json: { value: number; incrementsAnswered: number } } } }).result.data.json;
}

/** Starts the storm, lets it reach full load, then measures the reader while it runs. */
async function beside(reader: () => Promise<Load>, storm: () => Promise<Load>): Promise<Measured> {
  const storming = storm();
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // the child starts and the storm reaches full load
  const read = await reader();
  const writes = await storming;
  return { ...read, note: `beside ${Math.round(writes.rps)} writes/s` };
}

/**
 * Each row's median over the rounds, field by field. Why medians (a quiet machine is not
 * guaranteed here): one round that a neighbour's load hit moves a ratio by a third, and
 * a tail ratio (reads beside a storm) by several times; the median of three does not.
 */
export function medianResults(rounds: Results[]): Results {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const merged: Results = {};
  for (const row of new Set(rounds.flatMap((r) => Object.keys(r) as Row[]))) {
    const all = rounds.map((r) => r[row]).filter((m): m is Measured => m !== undefined);
    const of = (field: "rps" | "p50" | "p99" | "cpuUs" | "rssMiB") => {
      const values = all.map((m) => m[field]).filter((v): v is number => v !== undefined);
      return values.length > 0 ? median(values) : undefined;
    };
    merged[row] = {
      rps: of("rps")!,
      p50: of("p50")!,
      p99: of("p99")!,
      cpuUs: of("cpuUs"),
      rssMiB: of("rssMiB"),
      errors: all.reduce((sum, m) => sum + m.errors, 0),
      ok: all.reduce((sum, m) => sum + m.ok, 0),
      note: all[0]?.note,
    };
  }
  return merged;
}

import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/db/client";
import { triggerSystemJob } from "@/domain/jobs/mutations";
import { apiClient, type ApiClient } from "../../harness/api-client";
import { seededRandom } from "../../harness/seeded-random";
import { createTestDatabase, DATABASES, type TestDatabase } from "../../harness/databases";
import { startServer, startServers, type ServerCluster, type ServerProcess } from "../../harness/server-process";
import { expectedFirings, type OracleAlert, type OracleTick } from "./fixtures/oracle";

/**
 * Alerts fire exactly once per arming and are never missed, with 4 real server
 * processes on one database: 4 feed clients ingest ticks for 20 tickers at once
 * (crossings both ways, out-of-order tick times, every fifth batch resent to
 * another process), the alert sweep runs as a scheduled job in every process,
 * one process is SIGKILLed mid-run and replaced. An oracle derives, from the
 * committed tick log in sequence order, exactly which firings each of 200
 * alerts of 20 users must have; the firing rows and the alert.fired events must
 * match it: missing 0, extra 0.
 */
const PROCESSES = 4;
const USERS = 20;
const ALERTS_PER_USER = 10;
const TICKERS = Array.from({ length: 20 }, (_, i) => `MP${String(i).padStart(2, "0")}`);
const FEED_CLIENTS = 4;
const BATCHES_PER_CLIENT = 25;
const TICKS_PER_BATCH = 8;
const FEED_EMAILS = ["feed-a@example.test", "feed-b@example.test"];
const T0 = Date.UTC(2031, 0, 1);
const ENV = { VO_FEED_ACCOUNTS: FEED_EMAILS.join(","), VO_SIMULATED_FEED: "off", VO_ALERT_SWEEP_SECONDS: "1" };

async function signUp(url: string, email: string): Promise<{ token: string; userId: string }> {
  const res = await fetch(`${url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email, password: `pw-${randomUUID()}`, name: "Trader" }),
  });
  const body = (await res.json()) as { token: string; user: { id: string } };
  if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(body)}`);
  return { token: body.token, userId: body.user.id };
}

describe.each(DATABASES)(`alerts on %s: ${PROCESSES} server processes, ${FEED_CLIENTS} feed clients, SIGKILL mid-run`, (kind) => {
  let database: TestDatabase | undefined;
  let cluster: ServerCluster | undefined;
  let db: Database | undefined;
  const slots: Array<ServerProcess | null> = [];
  const replacements: ServerProcess[] = [];
  const allServers = () => [...(cluster?.servers ?? []), ...replacements];
  const started = performance.now();
  const figures = { ticks: 0, batches: 0, resent: 0, resendsAfterDeath: 0, expected: 0, seen: 0, missing: 0, extra: 0, events: 0, eventMismatches: 0, manualSweeps: 0 };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    cluster = await startServers(PROCESSES, { databaseUrl: database.url, env: ENV });
    slots.push(...cluster.servers);
    db = openDatabase(database.url);
  });
  afterEach((context) => {
    if (context.task.result?.state === "fail") console.error(allServers().map((s) => s.logs()).join("\n"));
  });
  afterAll(async () => {
    try {
      console.log(
        `[alerts multiprocess ${kind}] ${USERS} users × ${ALERTS_PER_USER} alerts, ${figures.ticks} ticks in ${figures.batches} batches ` +
          `(${figures.resent} resent on purpose, ${figures.resendsAfterDeath} resent after a dead server), 1 process SIGKILLed and replaced, ${figures.manualSweeps} sweeps triggered by hand; ` +
          `firings expected ${figures.expected}, seen ${figures.seen}, missing ${figures.missing}, extra ${figures.extra}; ` +
          `alert.fired events ${figures.events}, mismatches ${figures.eventMismatches}; duration ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      const stops = await Promise.all(slots.filter((s): s is ServerProcess => s !== null).map((s) => s.stop()));
      const running = slots.filter((s): s is ServerProcess => s !== null);
      stops.forEach((e, i) => e.code !== 0 && console.error(`server ${i} exited ${JSON.stringify(e)}:\n${running[i]!.logs()}`));
      expect(stops.map((e) => e.code)).toEqual(stops.map(() => 0));
      expect(allServers().filter((s) => /failed:/.test(s.stdout() + s.stderr())).map((s) => s.logs())).toEqual([]);
    } finally {
      await db?.close();
      await cluster?.stop();
      await database?.drop();
    }
  });

  it("every arming fires exactly once and nothing is missed: firing rows and events equal the oracle's", { timeout: 420_000 }, async () => {
    const random = seededRandom(20261201);
    const live = () => slots.filter((s): s is ServerProcess => s !== null);

    // ---- 20 traders, 10 alerts each, all conditions and modes.
    const definitions: OracleAlert[] = [];
    const traders = await Promise.all(Array.from({ length: USERS }, (_, u) => signUp(slots[u % PROCESSES]!.url, `trader-${u}-${randomUUID()}@example.test`)));
    await Promise.all(
      traders.map(async (trader, u) => {
        const api = apiClient(slots[u % PROCESSES]!.url, trader.token);
        for (let a = 0; a < ALERTS_PER_USER; a++) {
          const input = {
            ticker: TICKERS[Math.floor(random() * TICKERS.length)]!,
            condition: (["above", "below", "crossesUp", "crossesDown"] as const)[(u + a) % 4]!,
            threshold: Math.round((94 + random() * 12) * 100) / 100,
            mode: a % 3 === 0 ? ("once" as const) : ("rearm" as const),
            cooldownSeconds: [0, 5, 30][a % 3]!,
            expiresAt: a % 5 === 0 ? new Date(T0 + (100 + Math.floor(random() * 200)) * 1000) : null,
          };
          const alert = await api.alerts.create.mutate(input);
          definitions.push({ id: alert.id, userId: trader.userId, ...input });
        }
      }),
    );

    // ---- Feeds: 4 clients (2 feed accounts) ingest at once, each to its own process; a batch whose
    // server died is resent unchanged (same requestId) to a live one; every fifth is resent on purpose.
    const feeds = await Promise.all(FEED_EMAILS.map((email, i) => signUp(slots[i]!.url, email)));
    const feedTokens = Array.from({ length: FEED_CLIENTS }, (_, c) => feeds[c % feeds.length]!.token);
    const clients = new Map<string, ApiClient>();
    const clientFor = (server: ServerProcess, token: string) => {
      const key = `${server.url}|${token}`;
      if (!clients.has(key)) clients.set(key, apiClient(server.url, token));
      return clients.get(key)!;
    };
    async function send(c: number, preferred: number, batch: { ticks: { ticker: string; price: number; at: Date }[]; requestId: string }) {
      for (let attempt = 0; ; attempt++) {
        const servers = live();
        const server = servers[(preferred + attempt) % servers.length]!;
        try {
          return await clientFor(server, feedTokens[c]!).prices.ingest.mutate(batch);
        } catch (error) {
          if (attempt > 40) throw error;
          figures.resendsAfterDeath++;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }
    // ---- The sweep triggered by hand (a manual run of the system job) while ticks arrive,
    // beside the scheduled sweeps of every process: the oracle below counts any duplicate.
    let feeding = true;
    const manualSweeps = new Set<string>();
    const sweeper = (async () => {
      while (feeding) {
        const run = await triggerSystemJob(db!, "alert-sweep");
        if (run) manualSweeps.add(run.id);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    sweeper.catch(() => {}); // awaited (and reported) after the feeds
    const prices = new Map(TICKERS.map((t) => [t, 100]));
    const killAt = Math.floor(BATCHES_PER_CLIENT * 0.4);
    let killer: Promise<void> = Promise.resolve();
    await Promise.all(
      Array.from({ length: FEED_CLIENTS }, async (_, c) => {
        const walk = seededRandom(1000 + c);
        for (let b = 0; b < BATCHES_PER_CLIENT; b++) {
          if (c === 0 && b === killAt) {
            const victim = slots[1]!;
            slots[1] = null;
            victim.kill("SIGKILL");
            killer = victim.exited.then(async () => {
              const replacement = await startServer({ databaseUrl: database!.url, secretsDir: cluster!.secretsDir, env: ENV, index: PROCESSES + replacements.length });
              replacements.push(replacement);
              slots[1] = replacement;
            });
          }
          const ticks = Array.from({ length: TICKS_PER_BATCH }, (_, i) => {
            const ticker = TICKERS[Math.floor(walk() * TICKERS.length)]!;
            const price = Math.min(110, Math.max(90, Math.round((prices.get(ticker)! + (walk() - 0.5) * 4) * 100) / 100));
            prices.set(ticker, price);
            // Each client has its own clock, so tick times interleave out of sequence order.
            return { ticker, price, at: new Date(T0 + (c * 7 + b * 10 + i) * 1000) };
          });
          const batch = { ticks, requestId: `feed-${c}-${b}-${randomUUID()}` };
          await send(c, c, batch);
          figures.batches++;
          figures.ticks += ticks.length;
          if (b % 5 === 4) {
            const again = await send(c, c + 1, batch);
            expect(again.replayed).toBe(true);
            figures.resent++;
          }
        }
      }),
    );
    feeding = false;
    await sweeper;
    await killer;
    figures.manualSweeps = manualSweeps.size;
    expect(figures.manualSweeps).toBeGreaterThan(0);

    // ---- Settle: every ticker evaluated to its last tick, and no firing for 3 sweeps. A loaded
    // machine may take a while; "not evaluated yet" is reported as such, never as a miss.
    let stableSince = performance.now();
    let lastCount = -1;
    let behind: { ticker: string; seq: number; evaluatedSeq: number }[] = [];
    for (const deadline = performance.now() + 180_000; performance.now() < deadline; ) {
      behind = (await db!.prisma.ticker.findMany({ select: { ticker: true, seq: true, evaluatedSeq: true } })).filter((c) => c.evaluatedSeq < c.seq);
      const count = await db!.prisma.alertFiring.count();
      if (count !== lastCount) [lastCount, stableSince] = [count, performance.now()];
      if (behind.length === 0 && performance.now() - stableSince > 3_000) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(behind, "tickers whose ticks the sweep never caught up with").toEqual([]);

    // ---- The oracle, from the committed tick log.
    const ticks: OracleTick[] = await db!.prisma.priceTick.findMany({ select: { ticker: true, seq: true, price: true, at: true }, orderBy: [{ ticker: "asc" }, { seq: "asc" }] });
    expect(ticks.length).toBe(figures.ticks);
    const expected = expectedFirings(definitions, ticks);
    const rows = await db!.prisma.alertFiring.findMany({ select: { id: true, alertId: true, userId: true, tickSeq: true } });
    const key = (f: { alertId: string; tickSeq: number }) => `${f.alertId}@${f.tickSeq}`;
    const seen = new Set(rows.map(key));
    figures.expected = expected.length;
    figures.seen = rows.length;
    figures.missing = expected.filter((f) => !seen.has(key(f))).length;
    const expectedKeys = new Set(expected.map(key));
    figures.extra = rows.length - rows.filter((f) => expectedKeys.has(key(f))).length;

    // ---- Each firing is exactly one alert.fired event on its owner's log.
    const events = await db!.prisma.event.findMany({ where: { type: "alert.fired" }, select: { userId: true, payload: true } });
    figures.events = events.length;
    const eventFirings = events.map((e) => {
      const payload = JSON.parse(e.payload) as { json: { firing: { id: string } } };
      return `${e.userId}:${payload.json.firing.id}`;
    });
    const rowFirings = rows.map((r) => `${r.userId}:${r.id}`);
    figures.eventMismatches = eventFirings.filter((f) => !rowFirings.includes(f)).length + rowFirings.filter((f) => !eventFirings.includes(f)).length;

    expect(expected.length).toBeGreaterThan(100);
    expect({ missing: figures.missing, extra: figures.extra, eventMismatches: figures.eventMismatches, events: figures.events }).toEqual({
      missing: 0,
      extra: 0,
      eventMismatches: 0,
      events: rows.length,
    });
  });
});

import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ProfileView } from "@/domain/profile/schema";
import type { ProviderEventPayload, ProviderView } from "@/domain/providers/schema";
import type { SettingView } from "@/domain/settings/schema";
import { openDatabase } from "@/db/client";
import { apiClient, signUpUser, type ApiClient, type ReceivedEvent } from "../../harness/api-client";
import { createTestDatabase, DATABASES, type TestDatabase } from "../../harness/databases";
import { replayLog } from "../../harness/event-log";
import { startServer, startServers, type ExitInfo, type ServerCluster, type ServerProcess } from "../../harness/server-process";
import { fingerprint } from "../providers/fixtures/provider-protocol";
import { MARKET_ENV, TortureMarket } from "./fixtures/torture-market";
import { TortureTab } from "./fixtures/torture-tab";
import { OWNED_FIELDS, seededRandom, TortureUser, TortureWorker, type Ack } from "./fixtures/torture-workload";

/**
 * The torture run (the promise of docs/architecture.md, tested as a whole): a
 * bounded run mixing every operation of settings, profile and providers from
 * many clients through 4 server processes on one database — with a price feed,
 * traders' alerts and jobs ticking every second alongside — while server
 * processes are killed with SIGKILL mid-run and
 * restarted. Clients resend a call the dying server never answered, unchanged
 * (same requestId), to another server. Tabs follow each user's stream and
 * reconnect from their last event when their server dies.
 *
 * Then every invariant is checked and the counts printed: acknowledged writes
 * lost (not in the log, or not what the final state holds), writes applied
 * twice, anything but exactly one active provider in any read or committed
 * state, stale values left in any tab, holes or repeats in any stream, alert
 * firings missing or duplicated (against an oracle over the tick log), job
 * ticks missed or run twice, a corrupt SQLite file.
 */

const PROCESSES = 4;
const USERS = 2;
const WORKERS_PER_USER = 4;
const DURATION_MS = Number(process.env.TORTURE_MS ?? 30_000);
/** When (fraction of the run) which server slot gets SIGKILL; each is restarted at once. */
const KILLS = [
  { at: 0.2, slot: 1 },
  { at: 0.55, slot: 2 },
];
const SEED = Number(process.env.TORTURE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PROVIDER_KEY_SECRET = `torture-provider-key-${randomBytes(16).toString("hex")}`;
const SERVER_ENV = { VO_PROVIDER_KEY: PROVIDER_KEY_SECRET, ...MARKET_ENV };

interface Figures {
  acks: number;
  byOp: Record<string, number>;
  refusals: Record<string, number>;
  unexpected: number;
  resends: number;
  events: number;
  lost: number;
  duplicated: number;
  activeViolations: number;
  tornReads: number;
  staleTabs: number;
  tabGaps: number;
  tabDuplicates: number;
  tabResyncs: number;
  tabReconnects: number;
  killed: number;
  integrity: string;
}

describe.each(DATABASES)(`torture on %s: ${PROCESSES} server processes, SIGKILL mid-run`, (kind) => {
  let database: TestDatabase | undefined;
  let cluster: ServerCluster | undefined;
  /** The live server per slot (null between its SIGKILL and its replacement's readiness). */
  const slots: Array<ServerProcess | null> = [];
  const killed: Array<{ server: ServerProcess; exit: ExitInfo }> = [];
  const replacements: ServerProcess[] = [];
  const started = performance.now();
  const figures: Figures = {
    acks: 0,
    byOp: {},
    refusals: {},
    unexpected: 0,
    resends: 0,
    events: 0,
    lost: 0,
    duplicated: 0,
    activeViolations: 0,
    tornReads: 0,
    staleTabs: 0,
    tabGaps: 0,
    tabDuplicates: 0,
    tabResyncs: 0,
    tabReconnects: 0,
    killed: 0,
    integrity: "not checked",
  };
  const allServers = () => [...(cluster?.servers ?? []), ...replacements];
  let marketReport = () => "market: not run";

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    cluster = await startServers(PROCESSES, { databaseUrl: database.url, env: SERVER_ENV });
    slots.push(...cluster.servers);
  });

  afterEach((context) => {
    if (context.task.result?.state === "fail") console.error(allServers().map((s) => s.logs()).join("\n"));
  });

  afterAll(async () => {
    try {
      const stops = await Promise.all([...slots.filter((s): s is ServerProcess => s !== null)].map((s) => s.stop()));
      console.log(
        `[torture ${kind}] seed ${SEED}, ${DURATION_MS / 1000} s, ${PROCESSES} server processes (${figures.killed} SIGKILLed and restarted), ` +
          `${USERS} users × ${WORKERS_PER_USER} workers: ${figures.acks} acknowledged writes ${JSON.stringify(figures.byOp)}, ` +
          `refusals ${JSON.stringify(figures.refusals)}, ${figures.unexpected} unexpected errors, ${figures.resends} resends after a dead server; ` +
          `${figures.events} events; lost ${figures.lost}, duplicated ${figures.duplicated}, active-provider violations ${figures.activeViolations}, ` +
          `torn reads ${figures.tornReads}; tabs: ${figures.staleTabs} stale, ${figures.tabGaps} gaps, ${figures.tabDuplicates} repeats, ` +
          `${figures.tabResyncs} resyncs, ${figures.tabReconnects} reconnects; SQLite integrity: ${figures.integrity}; ${marketReport()}; ` +
          `duration ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(stops.map((e) => e.code), "the surviving and restarted servers exit cleanly on SIGTERM").toEqual(stops.map(() => 0));
      const internalErrors = allServers().filter((s) => /failed:/.test(s.stdout() + s.stderr()));
      expect(internalErrors.map((s) => s.logs())).toEqual([]);
    } finally {
      await cluster?.stop();
      await database?.drop();
    }
  });

  it("mixed writes and reads, two servers SIGKILLed and restarted: nothing acknowledged lost or doubled, one active provider, every tab current", async () => {
    const clientCache = new Map<string, ApiClient>();
    const clientFor = (server: ServerProcess, token: string) => {
      const key = `${server.url}|${token}`;
      let api = clientCache.get(key);
      if (!api) clientCache.set(key, (api = apiClient(server.url, token)));
      return api;
    };
    const signedUp = await Promise.all(Array.from({ length: USERS }, (_, u) => signUpUser(slots[u % PROCESSES]!.url)));
    const users = signedUp.map((s, u) => new TortureUser(u, s.userId, () => slots.map((server) => (server ? clientFor(server, s.token) : null))));

    // One tab per user per server; a tab whose server dies moves to the next live one.
    const tabs = users.flatMap((user) =>
      slots.map((_, slot) => {
        let next = slot;
        return new TortureTab(`user ${user.index} tab ${slot}`, () => {
          for (let i = 0; i < PROCESSES; i++) {
            const api = user.clients()[(next + i) % PROCESSES];
            if (api) {
              next = (next + i + 1) % PROCESSES;
              return api;
            }
          }
          return null;
        });
      }),
    );
    for (const tab of tabs) tab.start();

    // ---- The run: workers until the deadline; meanwhile SIGKILL + restart.
    const random = seededRandom(SEED);
    const workers = users.flatMap((user) => Array.from({ length: WORKERS_PER_USER }, (_, w) => new TortureWorker(user, w, seededRandom(Math.floor(random() * 2 ** 31)))));
    const market = new TortureMarket(
      () => slots.filter((server): server is ServerProcess => server !== null).map((server) => server.url),
      seededRandom(Math.floor(random() * 2 ** 31)),
    );
    await market.setUp();
    marketReport = () => market.report();
    const runStart = performance.now();
    const runStartedAt = new Date();
    const deadline = runStart + DURATION_MS;
    const killer = (async () => {
      for (const kill of KILLS) {
        await new Promise((resolve) => setTimeout(resolve, runStart + kill.at * DURATION_MS - performance.now()));
        const victim = slots[kill.slot]!;
        slots[kill.slot] = null;
        victim.kill("SIGKILL");
        killed.push({ server: victim, exit: await victim.exited });
        figures.killed++;
        const replacement = await startServer({
          databaseUrl: database!.url,
          secretsDir: cluster!.secretsDir,
          env: SERVER_ENV,
          index: PROCESSES + replacements.length,
        });
        replacements.push(replacement);
        slots[kill.slot] = replacement;
      }
    })();
    await Promise.all([...workers.map((worker) => worker.runUntil(deadline)), market.feedUntil(deadline)]);
    await killer;
    const runEndedAt = new Date();
    expect(killed.map((k) => k.exit.signal)).toEqual(KILLS.map(() => "SIGKILL"));

    for (const user of users) {
      figures.resends += user.resends;
      for (const ack of user.acks) figures.byOp[ack.op] = (figures.byOp[ack.op] ?? 0) + 1;
      for (const refusal of user.refusals) figures.refusals[`${refusal.op} ${refusal.code}`] = (figures.refusals[`${refusal.op} ${refusal.code}`] ?? 0) + 1;
      figures.acks += user.acks.length;
      figures.unexpected += user.unexpected.length;
      figures.activeViolations += user.invariantViolations.length;
      figures.tornReads += user.tornReads.length;
    }
    expect(users.flatMap((u) => u.unexpected).slice(0, 10)).toEqual([]);
    expect(figures.resends, "a server died under some call (else the kills proved nothing)").toBeGreaterThan(0);

    // ---- Per user: the log, the final state, the acknowledged writes, the tabs.
    const lostWrites: string[] = [];
    const duplicates: string[] = [];
    const violations: string[] = [];
    const staleTabs: string[] = [];
    for (const user of users) {
      violations.push(...user.invariantViolations.map((v) => `user ${user.index}: ${v}`));
      expect(user.tornReads.slice(0, 5)).toEqual([]);
      const api = user.clients()[0]!;
      const { seq: total } = await api.providers.snapshot.query();
      const events = await replayLog(api, total);
      figures.events += events.length;
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));

      lostWrites.push(...acknowledgedButMissing(user.acks, events).map((m) => `user ${user.index}: ${m}`));
      duplicates.push(...appliedTwice(events).map((m) => `user ${user.index}: ${m}`));
      violations.push(...activeProblems(events).map((m) => `user ${user.index}: ${m}`));

      // The final state is what the log's last word on each entity says.
      const final = finalFromLog(events);
      const settings = await api.settings.list.query();
      const profile = await api.profile.get.query();
      const providers = await api.providers.list.query();
      for (const view of settings) {
        const logged = final.settings.get(view.key);
        if ((logged?.version ?? 0) !== view.version || JSON.stringify(logged?.value ?? view.value) !== JSON.stringify(view.value)) {
          lostWrites.push(`user ${user.index}: setting ${view.key} stored v${view.version}, the log's last is v${logged?.version ?? 0}`);
        }
      }
      for (const field of OWNED_FIELDS) {
        if ((final.profile?.[field] ?? null) !== profile[field]) lostWrites.push(`user ${user.index}: profile.${field} stored ${profile[field]}, the log says ${final.profile?.[field]}`);
      }
      if (fingerprint(final.providers) !== fingerprint(providers)) lostWrites.push(`user ${user.index}: providers stored differ from the log's last list`);
      const active = providers.filter((p) => p.isActive).length;
      if (providers.length > 0 ? active !== 1 : active !== 0) violations.push(`user ${user.index}: final list has ${active} active of ${providers.length}`);

      // Every tab of this user catches up to the last event and shows exactly the stored state.
      const userTabs = tabs.slice(user.index * PROCESSES, (user.index + 1) * PROCESSES);
      await waitUntil(() => userTabs.every((tab) => tab.lastSeq >= total), 30_000);
      for (const tab of userTabs) {
        for (const view of settings) {
          const shown = tab.settings.get(view.key);
          if ((shown?.version ?? 0) !== view.version || (shown && JSON.stringify(shown.value) !== JSON.stringify(view.value))) {
            staleTabs.push(`${tab.label}: setting ${view.key} shows v${shown?.version ?? 0}, stored v${view.version}`);
          }
        }
        if ((tab.profile?.version ?? 0) !== profile.version) staleTabs.push(`${tab.label}: profile shows v${tab.profile?.version ?? 0}, stored v${profile.version}`);
        if (fingerprint(tab.providers.list) !== fingerprint(providers)) staleTabs.push(`${tab.label}: providers differ from the stored list`);
      }
    }
    const resyncs: string[] = [];
    for (const tab of tabs) {
      tab.stop();
      figures.tabGaps += tab.gaps;
      figures.tabDuplicates += tab.duplicates;
      figures.tabResyncs += tab.resyncs.length;
      resyncs.push(...tab.resyncs.map((r) => `${tab.label}: ${r}`));
      figures.tabReconnects += tab.reconnects;
    }
    figures.lost = lostWrites.length;
    figures.duplicated = duplicates.length;
    figures.activeViolations = violations.length;
    figures.staleTabs = staleTabs.length;
    expect(lostWrites.slice(0, 10)).toEqual([]);
    expect(duplicates.slice(0, 10)).toEqual([]);
    expect(violations.slice(0, 10)).toEqual([]);
    expect(staleTabs.slice(0, 10)).toEqual([]);
    expect(resyncs).toEqual([]);
    expect({ gaps: figures.tabGaps, repeats: figures.tabDuplicates, resyncs: figures.tabResyncs }).toEqual({ gaps: 0, repeats: 0, resyncs: 0 });
    expect(figures.tabReconnects, "the tabs on the killed servers reconnected").toBeGreaterThanOrEqual(KILLS.length * USERS);

    // ---- Alerts fired exactly once, none missed; every second of the run each job ran its tick once.
    const marketDb = openDatabase(database!.url);
    try {
      const problems = await market.check(marketDb, new Date(runStartedAt.getTime() + 3_000), new Date(runEndedAt.getTime() - 2_000));
      expect(problems).toEqual([]);
    } finally {
      await marketDb.close();
    }

    // ---- A process killed mid-write leaves the SQLite file intact.
    if (kind === "sqlite") {
      const db = openDatabase(database!.url);
      try {
        const rows = await db.prisma.$queryRawUnsafe<Array<{ integrity_check: string }>>("PRAGMA integrity_check");
        figures.integrity = rows.map((r) => r.integrity_check).join(",");
      } finally {
        await db.close();
      }
      expect(figures.integrity).toBe("ok");
    }
  }, 300_000);
});

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Each acknowledged write is the event of its entity and version, carrying what was sent. */
function acknowledgedButMissing(acks: Ack[], events: ReceivedEvent[]): string[] {
  // A delete logs the version it removed, so one key can name two events.
  const byEntityVersion = new Map<string, ReceivedEvent[]>();
  for (const e of events) {
    const key = `${e.entity}|${e.entityId}|${e.version}`;
    byEntityVersion.set(key, [...(byEntityVersion.get(key) ?? []), e]);
  }
  const missing: string[] = [];
  for (const ack of acks) {
    const entity = ack.op.startsWith("settings") ? "setting" : ack.op.startsWith("profile") ? "profile" : "provider";
    const entityId = ack.op === "settings.set" ? ack.key : ack.op === "profile.update" ? (events.find((e) => e.entity === "profile")?.entityId ?? "?") : ack.id;
    const candidates = byEntityVersion.get(`${entity}|${entityId}|${ack.version}`) ?? [];
    const holds = candidates.some((event) => {
      const payload = event.payload as Record<string, unknown>;
      return ack.op === "settings.set"
        ? JSON.stringify((payload as unknown as SettingView).value) === JSON.stringify(ack.value)
        : ack.op === "profile.update"
          ? (payload.profile as ProfileView)[ack.field] === ack.value
          : ack.op === "providers.add"
            ? event.type === "provider.added" && (payload as unknown as ProviderEventPayload).provider.name === ack.name
            : ack.op === "providers.update"
              ? event.type === "provider.updated" && (payload as unknown as ProviderEventPayload).provider.model === ack.model
              : ack.op === "providers.setActive"
                ? event.type === "provider.activated"
                : event.type === "provider.deleted";
    });
    if (!holds) missing.push(`${ack.op} acknowledged at v${ack.version} (${JSON.stringify(ack)}) is not in the log as sent`);
  }
  return missing;
}

/** Every sent value is unique, so a value written by two events is a write applied twice. */
function appliedTwice(events: ReceivedEvent[]): string[] {
  const seen = new Map<string, number>();
  const note = (key: string, seq: number, out: string[]) => {
    const first = seen.get(key);
    if (first !== undefined) out.push(`${key} written by events ${first} and ${seq}`);
    else seen.set(key, seq);
  };
  const out: string[] = [];
  for (const event of events) {
    const payload = event.payload as Record<string, unknown>;
    if (event.type === "setting.saved") note(`setting ${(payload as unknown as SettingView).key}=${JSON.stringify((payload as unknown as SettingView).value)}`, event.seq, out);
    else if (event.type === "profile.updated") {
      for (const field of payload.changed as string[]) note(`profile.${field}=${String((payload.profile as Record<string, unknown>)[field])}`, event.seq, out);
    } else if (event.type === "provider.added") note(`provider added ${(payload as unknown as ProviderEventPayload).provider.name}`, event.seq, out);
    else if (event.type === "provider.updated") note(`provider model ${(payload as unknown as ProviderEventPayload).provider.model}`, event.seq, out);
  }
  return out;
}

/** Every committed provider state has exactly one active provider (none only when empty). */
function activeProblems(events: ReceivedEvent[]): string[] {
  return events.flatMap((event) => {
    if (event.entity !== "provider") return [];
    const list = (event.payload as ProviderEventPayload).providers;
    const active = list.filter((p) => p.isActive).length;
    return (list.length > 0 ? active === 1 : active === 0) ? [] : [`event ${event.seq} (${event.type}) committed ${active} active of ${list.length}`];
  });
}

function finalFromLog(events: ReceivedEvent[]) {
  const settings = new Map<string, { version: number; value: unknown }>();
  let profile: ProfileView | null = null;
  let providers: ProviderView[] = [];
  for (const event of events) {
    if (event.entity === "setting") {
      const view = event.payload as SettingView;
      settings.set(view.key, { version: view.version, value: view.value });
    } else if (event.entity === "profile") profile = (event.payload as { profile: ProfileView }).profile;
    else if (event.entity === "provider") providers = (event.payload as ProviderEventPayload).providers;
  }
  return { settings, profile, providers };
}

import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createApiKeyCipher } from "@/domain/providers/lib/api-key-cipher";
import type { ProviderEventPayload, ProviderView } from "@/domain/providers/schema";
import { openDatabase } from "@/db/client";
import { apiClient, signUpUser, type ReceivedEvent } from "../../harness/api-client";
import { startClientProcess } from "../../harness/client-process";
import { DATABASES } from "../../harness/databases";
import { replayLog } from "../../harness/event-log";
import { useServerCluster } from "../../harness/server-cluster-suite";
import { fingerprint, type Command, type Op, type Reply, type Result } from "./fixtures/provider-protocol";

/**
 * AI providers' "exactly one active" per user (docs/decisions/0007) across
 * processes: 4 real server
 * processes on one database (an SQLite file; a PostgreSQL database) and 4
 * client OS processes (fixtures/provider-client.ts), client i talking to
 * server i, all for ONE user. Every round the parent releases the four at once
 * and waits for all four answers before the next round (a per-round barrier
 * across processes), then reads providers.snapshot (list + event seq in one
 * committed state).
 *
 *   A. 12 concurrent adds (3 per client) to a fresh user: 12 rows, one active
 *      (the first committed), 12 provider.added events.
 *   B. setActive rounds: each client activates a different provider at once;
 *      the active one after the round is the entity of the round's LAST
 *      provider.activated event (the event seq is commit order). No errors.
 *   C. delete-active races: client 0 deletes the active provider (and, while
 *      draining, one inactive one too), client 1 activates one (half the rounds
 *      the one being deleted: NOT_FOUND is then a legitimate typed outcome),
 *      client 2 adds (replenishing; the count cycles between 12 and 1, so a
 *      round can pass through zero providers), client 3 reads in a loop; every
 *      client also reads before and after its calls.
 *
 * Checked: every list anyone read holds exactly one active provider (none only
 * when empty) and is a state some event of that round committed; every
 * acknowledged call is exactly one event, in its round's seq range; seq has no
 * gaps; folding the log from nothing (promotion rule included) reproduces each
 * event's list and the final providers.list; the stored keys, written by four
 * processes, decrypt under the one shared provider key secret.
 */

const PROCESSES = 4;
const ADDS_PER_CLIENT = 3;
const ROUNDS_B = Number(process.env.PROVIDERS_MP_ROUNDS_B ?? 60);
const ROUNDS_C = Number(process.env.PROVIDERS_MP_ROUNDS_C ?? 30);
/** A liveness bound per round (a handful of serialized one-user writes), generous for two shared CPUs. */
const ROUND_BOUND_MS = 30_000;
/** The looping reader pauses between reads so that, on two CPUs, it does not starve the writers it watches. */
const READER_PAUSE_MS = 5;
/** Phase C: drain (net -1 per round) from DRAIN_FROM providers down to one, then fill (net +1) back up. */
const DRAIN_FROM = 10;
/** One provider key secret for all four servers (they must decrypt each other's ciphertexts). */
const PROVIDER_KEY_SECRET = `mp-provider-key-${randomBytes(16).toString("hex")}`;

const CLIENT_SCRIPT = fileURLToPath(new URL("./fixtures/provider-client.ts", import.meta.url));

type Phase = "A" | "B" | "C";
interface RoundRecord {
  phase: Phase;
  round: number;
  /** Event seq committed before the round was released / after all four answered. */
  lo: number;
  hi: number;
  /** providers.list as of `hi` (providers.snapshot after the round). */
  after: ProviderView[];
  replies: Reply[];
}

/** "exactly one active while ≥1 provider; none when there are none" */
function invariantProblem(n: number, activeCount: number): string | null {
  if (n === 0) return activeCount === 0 ? null : `${activeCount} active of 0 providers`;
  return activeCount === 1 ? null : `${activeCount} active of ${n} providers`;
}

/** Every observation of every round: the invariant, and a state committed within the round's seq range. */
function checkObservations(rounds: RoundRecord[], stateAt: string[]): { count: number; violations: string[]; uncommitted: string[] } {
  let count = 0;
  const violations: string[] = [];
  const uncommitted: string[] = [];
  for (const record of rounds) {
    const committed = new Set(stateAt.slice(record.lo, record.hi + 1));
    for (const [client, reply] of record.replies.entries()) {
      for (const obs of reply.observations) {
        count++;
        const where = `${record.phase}${record.round} client ${client}`;
        const problem = invariantProblem(obs.n, obs.active.length);
        if (problem) violations.push(`${where}: read ${problem}`);
        if (!committed.has(obs.fp)) uncommitted.push(`${where}: read a state no event of seq ${record.lo}..${record.hi} committed: ${obs.fp}`);
      }
    }
  }
  return { count, violations, uncommitted };
}

/** A view with dates as ISO strings (the stream and the list may carry them as Date or string). */
const normalized = (p: ProviderView) => ({
  ...p,
  createdAt: new Date(p.createdAt).toISOString(),
  updatedAt: new Date(p.updatedAt).toISOString(),
});

const eventType = { add: "provider.added", setActive: "provider.activated", delete: "provider.deleted" } as const;

describe.each(DATABASES)(`AI providers across ${PROCESSES} server processes and ${PROCESSES} client processes on %s`, (kind) => {
  const figures = {
    acks: 0,
    notFound: 0,
    observations: 0,
    loopReads: 0,
    emptyReads: 0,
    violations: 0,
    uncommitted: 0,
    rounds: 0,
    events: 0,
    emptyStates: 0,
    promotions: 0,
    slowestRoundMs: 0,
    minProviders: Infinity,
    maxProviders: 0,
  };

  const suite = useServerCluster(kind, {
    processes: PROCESSES, env: { VO_PROVIDER_KEY: PROVIDER_KEY_SECRET },
    report: (duration) =>
      `[providers multiprocess ${kind}] ${PROCESSES} server processes + ${PROCESSES} client processes, ` +
        `${figures.rounds} rounds (A: 1, B: ${ROUNDS_B}, C: ${ROUNDS_C}), ${figures.acks} acks, ${figures.notFound} NOT_FOUNDs, ` +
        `${figures.observations} reader observations (${figures.loopReads} by the looping reader, ${figures.emptyReads} of an emptied list), ` +
        `${figures.violations} violations, ${figures.uncommitted} uncommitted reads, ` +
        `${figures.events} events replayed (${figures.promotions} promotions, ${figures.emptyStates} commits leaving none), ` +
        `providers ${figures.minProviders}..${figures.maxProviders} between rounds, ` +
        `slowest round ${figures.slowestRoundMs.toFixed(0)} ms, duration ${duration}`,
  });

  it(`concurrent adds, ${ROUNDS_B} setActive rounds and ${ROUNDS_C} delete-active races: always exactly one active, the last committed activation holds, the log replays`, async () => {
    const user = await signUpUser(suite.urls()[0]!);
    const apis = suite.urls().map((url) => apiClient(url, user.token));
    const clients = suite.urls().map((baseUrl, client) => startClient({ baseUrl, token: user.token, client }));
    const apiKeys = new Map<string, string>(); // provider name → the key sent
    const addOp = (name: string, activate?: boolean): Op => {
      const apiKey = `sk-mp-${randomUUID()}`;
      apiKeys.set(name, apiKey);
      return { op: "add", input: { name, model: `model-${name}`, apiKey, ...(activate !== undefined && { activate }) } };
    };
    const rounds: RoundRecord[] = [];
    let current = await apis[0]!.providers.snapshot.query();
    expect(current).toEqual({ seq: 0, providers: [] });

    /** One barrier round: releases the commands together, waits for every answer (the reader last), then snapshots. */
    async function round(phase: Phase, r: number, commands: Command[], readerIndex?: number): Promise<RoundRecord> {
      const roundStarted = performance.now();
      const lo = current.seq;
      const keys = clients.map((_, i) => `${phase}${r}:${i}`);
      const replies = clients.map((c, i) => c.reply<Reply>(keys[i]!, ROUND_BOUND_MS));
      for (const [i, c] of clients.entries()) c.send(commands[i]);
      if (readerIndex !== undefined) {
        // The reader loops until every other client has answered.
        await Promise.all(replies.filter((_, i) => i !== readerIndex));
        clients[readerIndex]!.send({ stop: keys[readerIndex]! });
      }
      const all = await Promise.all(replies);
      current = await apis[(figures.rounds + 1) % PROCESSES]!.providers.snapshot.query();
      figures.rounds++;
      figures.slowestRoundMs = Math.max(figures.slowestRoundMs, performance.now() - roundStarted);
      figures.minProviders = Math.min(figures.minProviders, current.providers.length);
      figures.maxProviders = Math.max(figures.maxProviders, current.providers.length);
      const record: RoundRecord = { phase, round: r, lo, hi: current.seq, after: current.providers, replies: all };
      rounds.push(record);
      return record;
    }
    const results = (record: RoundRecord) => record.replies.flatMap((reply) => reply.results);
    const okCount = (record: RoundRecord) => results(record).filter((x) => x.ok).length;
    const activeOf = (list: ProviderView[]) => list.filter((p) => p.isActive);

    try {
      await Promise.all(clients.map((c) => c.ready));

      // ---- Phase A: 12 concurrent adds to a fresh user.
      const a = await round(
        "A",
        0,
        clients.map((_, i) => ({
          ops: `A0:${i}`,
          run: Array.from({ length: ADDS_PER_CLIENT }, (_, j) => addOp(`A-c${i}-${j}`)),
          readAround: true,
        })),
      );
      expect(results(a).filter((x) => !x.ok)).toEqual([]);
      expect(results(a).filter((x) => x.op === "add")).toHaveLength(PROCESSES * ADDS_PER_CLIENT);
      expect(a.after).toHaveLength(PROCESSES * ADDS_PER_CLIENT);
      expect(activeOf(a.after)).toHaveLength(1);
      expect(a.hi).toBe(PROCESSES * ADDS_PER_CLIENT);
      expect(new Set(a.after.map((p) => p.name))).toEqual(new Set(apiKeys.keys()));

      // ---- Phase B: per round, four setActive of four different providers at once.
      const ids = a.after.map((p) => p.id);
      for (let r = 0; r < ROUNDS_B; r++) {
        const targets = clients.map((_, i) => ids[(r * 5 + i * 3) % ids.length]!);
        const b = await round(
          "B",
          r,
          clients.map((_, i) => ({ ops: `B${r}:${i}`, run: [{ op: "setActive", id: targets[i]! }], readAround: true })),
        );
        const failed = results(b).filter((x) => !x.ok);
        expect(failed, `round B${r}: ${JSON.stringify(failed[0])}`).toEqual([]);
        expect(b.hi - b.lo, `round B${r}`).toBe(PROCESSES);
        expect(activeOf(b.after), `round B${r}`).toHaveLength(1);
        expect(targets).toContain(activeOf(b.after)[0]!.id);
      }

      // ---- Phase C: delete-active races with setActive, add and a looping reader.
      let draining = true;
      for (let r = 0; r < ROUNDS_C; r++) {
        const list = current.providers;
        const n = list.length;
        if (n <= 1) draining = false;
        else if (n >= DRAIN_FROM) draining = true;
        const active = activeOf(list)[0];
        const inactive = list.filter((p) => !p.isActive);
        const deletes = active ? [active.id] : [];
        if (draining && inactive.length > 0) deletes.push(inactive[0]!.id);
        // Even rounds: activate the provider being deleted (wins or gets NOT_FOUND); odd: one nobody deletes.
        const spare = inactive.filter((p) => !deletes.includes(p.id)).at(-1);
        const setTarget = r % 2 === 0 ? active?.id : (spare?.id ?? active?.id);
        const adds = Array.from({ length: draining ? 1 : 2 }, (_, j) => addOp(`C-r${r}-${j}`, j === 0 && r % 2 === 1 ? true : undefined));
        const c = await round(
          "C",
          r,
          [
            { ops: `C${r}:0`, run: deletes.map((id) => ({ op: "delete", id })), readAround: true },
            { ops: `C${r}:1`, run: setTarget ? [{ op: "setActive", id: setTarget }] : [], readAround: true },
            { ops: `C${r}:2`, run: adds, readAround: true },
            { read: `C${r}:3`, pauseMs: READER_PAUSE_MS },
          ],
          3,
        );
        const deleted = new Set(c.replies[0]!.results.filter((x) => x.op === "delete" && x.ok).map((x) => x.id));
        const expectedNotFound = (x: Result) => x.op === "setActive" && x.error?.code === "NOT_FOUND" && deleted.has(x.id);
        const failed = results(c).filter((x) => !x.ok);
        figures.notFound += failed.filter(expectedNotFound).length;
        const unexpected = failed.filter((x) => !expectedNotFound(x));
        expect(unexpected, `round C${r}: ${JSON.stringify(unexpected[0])}`).toEqual([]);
        expect(deleted.size, `round C${r}: every delete acknowledged`).toBe(deletes.length);
        expect(c.hi - c.lo, `round C${r}: one event per acknowledged call`).toBe(okCount(c));
        expect(invariantProblem(c.after.length, activeOf(c.after).length), `round C${r}`).toBeNull();
      }

      // ---- The client processes end cleanly and agree with what the parent counted.
      for (const c of clients) c.send({ end: true });
      const outcomes = await Promise.all(clients.map((c) => c.finished));
      expect(outcomes.map((o) => o.exitCode), outcomes.map((o) => o.stderr + o.fatal).join("\n")).toEqual(clients.map(() => 0));
      const acks = rounds.reduce((sum, record) => sum + okCount(record), 0);
      figures.acks = acks;
      expect(outcomes.reduce((sum, o) => sum + (o.done?.acks ?? 0), 0)).toBe(acks);
      expect(outcomes.reduce((sum, o) => sum + (o.done?.errors ?? 0), 0)).toBe(figures.notFound);

      // ---- The event log, replayed through the stream of another process.
      const total = current.seq;
      const events = await replayLog(apis[2]!, total);
      figures.events = events.length;
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(total).toBe(acks);
      expect(new Set(events.map((e) => e.entity))).toEqual(new Set(["provider"]));
      const payloadOf = (e: ReceivedEvent) => e.payload as ProviderEventPayload;

      // The state each event committed (stateAt[0]: nothing yet), and the invariant in every one.
      const stateAt = ["", ...events.map((e) => fingerprint(payloadOf(e).providers))];
      const payloadViolations = events.flatMap((e) => {
        const list = payloadOf(e).providers;
        const problem = invariantProblem(list.length, activeOf(list).length);
        return problem ? [`event ${e.seq} (${e.type}): ${problem}`] : [];
      });

      // Every acknowledged call is exactly one event, inside its own round's seq range.
      const seqOf = new Map(events.map((e) => [`${e.type}|${e.entityId}|${e.version}`, e.seq]));
      const misplaced: string[] = [];
      for (const record of rounds) {
        const seqs = results(record)
          .filter((x) => x.ok)
          .map((x) => seqOf.get(`${eventType[x.op as keyof typeof eventType]}|${x.view!.id}|${x.view!.version}`));
        const expectedSeqs = Array.from({ length: record.hi - record.lo }, (_, i) => record.lo + i + 1);
        if ([...seqs].sort((p, q) => (p ?? 0) - (q ?? 0)).join() !== expectedSeqs.join()) {
          misplaced.push(`${record.phase}${record.round}: acknowledged calls are events ${seqs.join()}, the round committed ${record.lo + 1}..${record.hi}`);
        }
        // What the parent read after the round is what the round's last event committed.
        const last = record.hi === 0 ? [] : payloadOf(events[record.hi - 1]!).providers;
        if (JSON.stringify(record.after.map(normalized)) !== JSON.stringify(last.map(normalized))) {
          misplaced.push(`${record.phase}${record.round}: the list after the round differs from event ${record.hi}'s`);
        }
      }
      expect(misplaced.slice(0, 10)).toEqual([]);

      // Phase A: the first committed add is the active one.
      expect(events.slice(0, a.hi).map((e) => e.type)).toEqual(Array.from({ length: a.hi }, () => "provider.added"));
      expect(events.slice(0, a.hi).map((e) => payloadOf(e).provider.isActive)).toEqual(Array.from({ length: a.hi }, (_, i) => i === 0));
      expect(activeOf(a.after)[0]!.id).toBe(events[0]!.entityId);

      // Phase B: the active provider after each round is the entity of the round's LAST activation.
      const notLast: string[] = [];
      for (const record of rounds.filter((x) => x.phase === "B")) {
        const roundEvents = events.slice(record.lo, record.hi);
        if (roundEvents.some((e) => e.type !== "provider.activated")) notLast.push(`B${record.round}: ${roundEvents.map((e) => e.type).join()}`);
        const winner = roundEvents.at(-1)!.entityId;
        const activeAfter = activeOf(record.after).map((p) => p.id);
        if (activeAfter.join() !== winner) notLast.push(`B${record.round}: active after the round ${activeAfter.join()}, last activated ${winner}`);
      }
      expect(notLast.slice(0, 10)).toEqual([]);

      // Folding the log from nothing reproduces every event's list (promotion rule included).
      const foldProblems = foldLog(events);
      expect(foldProblems.slice(0, 10)).toEqual([]);

      // Every list anyone read: one active (none only when empty), and a state committed during its round.
      const observed = checkObservations(rounds, stateAt);
      figures.observations = observed.count;
      const phaseC = rounds.filter((x) => x.phase === "C");
      figures.loopReads = phaseC.reduce((sum, x) => sum + x.replies[3]!.observations.length, 0);
      figures.emptyReads = phaseC.reduce((sum, x) => sum + x.replies.flatMap((reply) => reply.observations).filter((o) => o.n === 0).length, 0);
      figures.emptyStates = events.filter((e) => payloadOf(e).providers.length === 0).length;
      figures.promotions = events.filter((e) => payloadOf(e).promoted !== null).length;
      figures.violations = observed.violations.length + payloadViolations.length;
      figures.uncommitted = observed.uncommitted.length;
      expect(observed.violations.slice(0, 10)).toEqual([]);
      expect(payloadViolations.slice(0, 10)).toEqual([]);
      expect(observed.uncommitted.slice(0, 10)).toEqual([]);

      // Final: every process lists what the last event committed.
      const lastProviders = payloadOf(events.at(-1)!).providers;
      for (const api of apis) {
        const list = await api.providers.list.query();
        expect(invariantProblem(list.length, activeOf(list).length)).toBeNull();
        expect(list.map(normalized)).toEqual(lastProviders.map(normalized));
      }

      // The keys four processes stored decrypt under the one shared secret, to what was sent.
      const db = openDatabase(suite.databaseUrl());
      try {
        const rows = await db.prisma.provider.findMany({ where: { userId: user.userId }, select: { id: true, name: true, apiKeyCipher: true } });
        expect(rows.map((row) => row.id).sort()).toEqual(lastProviders.map((p) => p.id).sort());
        const cipher = createApiKeyCipher(PROVIDER_KEY_SECRET);
        for (const row of rows) expect(cipher.decrypt(row.apiKeyCipher, { userId: user.userId, providerId: row.id })).toBe(apiKeys.get(row.name));
      } finally {
        await db.close();
      }
    } finally {
      for (const c of clients) c.kill();
    }
  }, 240_000);
});

/**
 * Replays the provider events onto an empty list by the rules of the domain
 * (an activation deactivates the previous active one, bumping its version; a
 * delete of the active one promotes the most recently activated remaining one,
 * else the newest) and compares each step with the event's own list.
 */
function foldLog(events: ReceivedEvent[]): string[] {
  interface Row {
    id: string;
    name: string;
    isActive: boolean;
    version: number;
    createdAt: number;
    lastActivated: number;
  }
  const rows = new Map<string, Row>();
  const problems: string[] = [];
  const deactivateOthers = (id: string) => {
    for (const row of rows.values()) {
      if (row.isActive && row.id !== id) {
        row.isActive = false;
        row.version++;
      }
    }
  };
  const key = (list: Array<{ id: string; name: string; isActive: boolean; version: number }>) =>
    JSON.stringify([...list].sort((x, y) => (x.id < y.id ? -1 : 1)).map(({ id, name, isActive, version }) => ({ id, name, isActive, version })));
  for (const event of events) {
    const payload = event.payload as ProviderEventPayload;
    const p = payload.provider;
    const at = `event ${event.seq} (${event.type} ${p.name})`;
    if (event.entityId !== p.id || event.version !== p.version) problems.push(`${at}: entity ${event.entityId} v${event.version}, payload ${p.id} v${p.version}`);
    const existing = rows.get(p.id);
    switch (event.type) {
      case "provider.added":
        if (existing) problems.push(`${at}: added twice`);
        if (p.isActive) deactivateOthers(p.id);
        else if (![...rows.values()].some((row) => row.isActive)) problems.push(`${at}: added inactive while none was active`);
        rows.set(p.id, { id: p.id, name: p.name, isActive: p.isActive, version: p.version, createdAt: new Date(p.createdAt).getTime(), lastActivated: p.isActive ? event.seq : -1 });
        break;
      case "provider.activated":
        if (!existing) {
          problems.push(`${at}: activated an unknown provider`);
          break;
        }
        if (p.version !== existing.version + 1 || !p.isActive) problems.push(`${at}: v${p.version} active ${p.isActive}, was v${existing.version}`);
        deactivateOthers(p.id);
        Object.assign(existing, { isActive: true, version: p.version, lastActivated: event.seq });
        break;
      case "provider.updated":
        if (!existing) {
          problems.push(`${at}: updated an unknown provider`);
          break;
        }
        Object.assign(existing, { name: p.name, version: p.version });
        break;
      case "provider.deleted": {
        if (!existing) {
          problems.push(`${at}: deleted an unknown provider`);
          break;
        }
        if (p.version !== existing.version) problems.push(`${at}: deleted v${p.version}, was v${existing.version}`);
        rows.delete(p.id);
        const remaining = [...rows.values()];
        if (existing.isActive && remaining.length > 0) {
          const expected = remaining.reduce((best, row) =>
            row.lastActivated > best.lastActivated ||
            (row.lastActivated === best.lastActivated && (row.createdAt > best.createdAt || (row.createdAt === best.createdAt && row.id > best.id)))
              ? row
              : best,
          );
          if (payload.promoted?.id !== expected.id) problems.push(`${at}: promoted ${payload.promoted?.name ?? "none"}, expected ${expected.name}`);
          else if (payload.promoted.version !== expected.version + 1) problems.push(`${at}: promoted at v${payload.promoted.version}, was v${expected.version}`);
          Object.assign(expected, { isActive: true, version: expected.version + 1, lastActivated: event.seq });
        } else if (payload.promoted !== null) problems.push(`${at}: promoted ${payload.promoted.name} although the deleted one was not active or none remained`);
        break;
      }
      default:
        problems.push(`${at}: unexpected event type`);
    }
    if (key([...rows.values()]) !== key(payload.providers)) problems.push(`${at}: the fold differs from the event's list`);
  }
  return problems;
}

interface ClientDone {
  acks: number;
  errors: number;
  reads: number;
  ms: number;
}

/** A providers client in its own OS process (fixtures/provider-client.ts), driven over stdin/stdout. */
function startClient(config: { baseUrl: string; token: string; client: number }) {
  return startClientProcess<ClientDone>({
    script: CLIENT_SCRIPT,
    config,
    label: `client ${config.client}`,
    answerKey: (message) => (typeof message.key === "string" ? message.key : null),
  });
}

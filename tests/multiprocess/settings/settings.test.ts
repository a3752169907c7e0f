import { fileURLToPath } from "node:url";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import type { AppRouter } from "@/server/trpc/root";
import { apiClient, openEventStream, signUpUser, type ApiClient, type ReceivedEvent } from "../../harness/api-client";
import { together } from "../../harness/barrier";
import { startClientProcess } from "../../harness/client-process";
import { DATABASES } from "../../harness/databases";
import { replayLog } from "../../harness/event-log";
import { useServerCluster } from "../../harness/server-cluster-suite";

/**
 * docs/architecture.md ("The write rules", "The event log", "Processes"): the
 * settings invariants of tests/concurrency/settings/settings.test.ts,
 * but with 4 real server processes on one database (an SQLite file; a
 * PostgreSQL database), the HTTP requests of one round spread over all of them,
 * and in one test the clients are separate OS processes too.
 */

const PROCESSES = 4;
const WRITERS_PER_PROCESS = 3;
const WRITERS = PROCESSES * WRITERS_PER_PROCESS;
const ROUNDS = 30;
const CONFLICT_ROUNDS = 10;
const IDEMPOTENT_ROUNDS = 5;
/**
 * A liveness bound, not a speed target: a round is 12 serialized writes, which
 * take well under a second on an idle machine; the bound catches a writer
 * starved through several busy timeouts (SQLite) or a stuck lock queue. Two
 * CPUs shared with other suites' browsers and servers make 10 s rounds happen.
 */
const ROUND_BOUND_MS = 30_000;
const STREAM_BOUND_MS = 3_000;
/** Client OS processes: each `CLIENT_CONCURRENCY` loops × `CLIENT_OPS_PER_LOOP` writes. */
const CLIENT_CONCURRENCY = 4;
const CLIENT_OPS_PER_LOOP = 12;
/** Readers pause between reads so that, on two CPUs, they do not starve the writers they watch. */
const READER_PAUSE_MS = 20;

const WRITER_SCRIPT = fileURLToPath(new URL("./fixtures/writer.ts", import.meta.url));

type Rejection = TRPCClientError<AppRouter>;

function describeRejection(result: PromiseSettledResult<unknown> | undefined): string {
  if (!result || result.status !== "rejected") return "";
  const e = result.reason as Rejection;
  return `${e.data?.code ?? "?"}: ${e.message}`;
}

describe.each(DATABASES)(`settings across ${PROCESSES} server processes on %s`, (kind) => {
  const figures = { rounds: 0, roundWriters: WRITERS, acknowledged: 0, errors: 0, lost: 0, reads: 0, slowestRoundMs: 0, clientProcessAcks: 0, streamMaxLatencyMs: 0 };

  const suite = useServerCluster(kind, {
    processes: PROCESSES,
    report: (duration) =>
      `[multiprocess ${kind}] ${PROCESSES} processes, ${figures.rounds} rounds × ${figures.roundWriters} writers, ` +
        `${figures.acknowledged} acknowledged writes (${figures.clientProcessAcks} from ${PROCESSES} client processes), ` +
        `${figures.reads} concurrent reads, ${figures.errors} errors, ${figures.lost} lost writes, ` +
        `slowest round ${figures.slowestRoundMs.toFixed(0)} ms, stream max latency ${figures.streamMaxLatencyMs.toFixed(0)} ms, ` +
        `duration ${duration}`,
  });

  /** One typed client per server process, all for one user. */
  function clientsFor(token: string): ApiClient[] {
    return suite.urls().map((url) => apiClient(url, token));
  }

  it(`${WRITERS} writers on ${PROCESSES} processes × ${ROUNDS} rounds on one key: every write acknowledged, the highest version stored; readers never see a mix`, async () => {
    const apis = clientsFor((await signUpUser(suite.urls()[0]!)).token);
    const key = "alertCooldownSeconds";
    const produced = new Map<number, number>([[0, 300]]); // version → value (0: the default)

    for (let round = 0; round < ROUNDS; round++) {
      const roundStarted = performance.now();
      let writing = true;
      // One reader per process, looping while the writers run.
      const readers = apis.map(async (api) => {
        const seen: Array<{ value: number; version: number }> = [];
        while (writing) {
          const s = await api.settings.get.query({ key });
          seen.push({ value: s.value as number, version: s.version });
          await new Promise((resolve) => setTimeout(resolve, READER_PAUSE_MS));
        }
        return seen;
      });
      // Writer w talks to process w % 4: every process has 3 writers in flight at once.
      const results = await together(WRITERS, (w) => apis[w % PROCESSES]!.settings.set.mutate({ key, value: round * 100 + w }));
      writing = false;
      const readerResults = await Promise.allSettled(readers);
      const seenByReaders = readerResults.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
      const failedReaders = readerResults.filter((r) => r.status === "rejected");
      figures.slowestRoundMs = Math.max(figures.slowestRoundMs, performance.now() - roundStarted);

      const rejected = results.filter((r) => r.status === "rejected");
      figures.errors += rejected.length + failedReaders.length;
      expect(rejected, describeRejection(rejected[0])).toHaveLength(0);
      expect(failedReaders, describeRejection(failedReaders[0])).toHaveLength(0);
      const acks = results.map((r) => (r as PromiseFulfilledResult<{ value: number; version: number }>).value);
      figures.acknowledged += acks.length;
      for (const ack of acks) produced.set(ack.version, ack.value);
      const versions = acks.map((a) => a.version);
      expect(new Set(versions).size, `round ${round}: versions ${versions}`).toBe(WRITERS);
      expect(Math.min(...versions)).toBe(round * WRITERS + 1);
      expect(Math.max(...versions)).toBe((round + 1) * WRITERS);
      const highest = acks.reduce((a, b) => (b.version > a.version ? b : a));

      // The stored value, read through every process, is the write with the highest version.
      const stored = await Promise.all(apis.map((api) => api.settings.get.query({ key })));
      const wrong = stored.filter((s) => s.version !== highest.version || s.value !== highest.value);
      figures.lost += wrong.length > 0 ? 1 : 0;
      expect(stored.map((s) => ({ value: s.value, version: s.version }))).toEqual(
        apis.map(() => ({ value: highest.value, version: highest.version })),
      );

      for (const read of seenByReaders) expect(produced.get(read.version), `read v${read.version}`).toBe(read.value);
      figures.reads += seenByReaders.length;
      figures.rounds++;
    }
    expect(figures.slowestRoundMs).toBeLessThan(ROUND_BOUND_MS);

    const history = await apis[2]!.settings.history.query({ key });
    expect(history[0]?.version).toBe(WRITERS * ROUNDS);

    // The event log, replayed through yet another process, holds every write once, in commit order.
    const events = await replayLog(apis[3]!, WRITERS * ROUNDS);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: WRITERS * ROUNDS }, (_, i) => i + 1));
    expect(events.map((e) => `${e.entityId}@${e.version}`)).toEqual(
      Array.from({ length: WRITERS * ROUNDS }, (_, i) => `${key}@${i + 1}`),
    );
  });

  it(`${WRITERS} writers on ${PROCESSES} processes with the same stale expectedVersion: exactly one wins, the others get CONFLICT with the winner`, async () => {
    const apis = clientsFor((await signUpUser(suite.urls()[1]!)).token);
    for (let round = 0; round < CONFLICT_ROUNDS; round++) {
      const base = (await apis[round % PROCESSES]!.settings.get.query({ key: "watchlist" })).version;
      expect(base).toBe(round);
      const results = await together(WRITERS, (w) =>
        apis[w % PROCESSES]!.settings.set.mutate({ key: "watchlist", value: [`R${round}W${w}`], expectedVersion: base }),
      );
      const winners = results.filter((r) => r.status === "fulfilled");
      const losers = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      const unexpected = losers.filter((l) => (l.reason as Rejection).data?.code !== "CONFLICT");
      figures.errors += unexpected.length;
      figures.acknowledged += winners.length;
      expect(unexpected, describeRejection(unexpected[0])).toHaveLength(0);
      expect(winners).toHaveLength(1);
      const winner = (winners[0] as PromiseFulfilledResult<{ value: string[]; version: number }>).value;
      expect(winner.version).toBe(base + 1);
      for (const loser of losers) {
        const error = loser.reason as Rejection;
        expect(error).toBeInstanceOf(TRPCClientError);
        expect((error.data as { details?: { current?: unknown } }).details?.current).toMatchObject({
          key: "watchlist",
          value: winner.value,
          version: winner.version,
        });
      }
      const stored = await Promise.all(apis.map((api) => api.settings.get.query({ key: "watchlist" })));
      for (const s of stored) expect({ value: s.value, version: s.version }).toEqual({ value: winner.value, version: winner.version });
    }
  });

  it(`the same requestId sent to all ${PROCESSES} processes at once bumps the version once`, async () => {
    const apis = clientsFor((await signUpUser(suite.urls()[2]!)).token);
    const themes = ["dark", "light"] as const;
    for (let round = 0; round < IDEMPOTENT_ROUNDS; round++) {
      const requestId = `multiprocess-${kind}-${round}-${Date.now()}`;
      const value = themes[round % 2]!;
      const results = await together(WRITERS, (w) =>
        apis[w % PROCESSES]!.settings.set.mutate({ key: "theme", value, requestId }),
      );
      const rejected = results.filter((r) => r.status === "rejected");
      figures.errors += rejected.length;
      expect(rejected, describeRejection(rejected[0])).toHaveLength(0);
      const acks = results.map((r) => (r as PromiseFulfilledResult<{ value: string; version: number }>).value);
      expect(new Set(acks.map((a) => `${a.value}@${a.version}`))).toEqual(new Set([`${value}@${round + 1}`]));
      figures.acknowledged += 1; // one write, acknowledged 12 times
      const stored = await Promise.all(apis.map((api) => api.settings.get.query({ key: "theme" })));
      for (const s of stored) expect({ value: s.value, version: s.version }).toEqual({ value, version: round + 1 });
    }
    const history = await apis[3]!.settings.history.query({ key: "theme" });
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: IDEMPOTENT_ROUNDS }, (_, i) => IDEMPOTENT_ROUNDS - i));
    const events = await replayLog(apis[0]!, IDEMPOTENT_ROUNDS);
    expect(events.map((e) => `${e.entityId}@${e.version}`)).toEqual(
      Array.from({ length: IDEMPOTENT_ROUNDS }, (_, i) => `theme@${i + 1}`),
    );
  });

  it(`${PROCESSES} client OS processes, each hammering a different server process: no errors, no lost acknowledged writes`, async () => {
    const user = await signUpUser(suite.urls()[3]!);
    const ownKeys = ["watchlist", "displayTimeZone", "chartInterval", "notificationSound"] as const;
    const workers = ownKeys.map((ownKey, writer) =>
      startWriter({
        baseUrl: suite.urls()[writer % PROCESSES]!,
        token: user.token,
        writer,
        ownKey,
        concurrency: CLIENT_CONCURRENCY,
        opsPerLoop: CLIENT_OPS_PER_LOOP,
      }),
    );
    try {
      await Promise.all(workers.map((w) => w.ready));
      const startAt = Date.now() + 300; // the cross-process barrier: one instant for all
      for (const w of workers) w.start(startAt);
      const outcomes = await Promise.all(workers.map((w) => w.finished));

      const acks = outcomes.flatMap((o) => o.acks);
      const errors = outcomes.flatMap((o) => o.errors);
      figures.errors += errors.length;
      figures.acknowledged += acks.length;
      figures.clientProcessAcks += acks.length;
      expect(outcomes.map((o) => o.exitCode), outcomes.map((o) => o.stderr).join("\n")).toEqual(workers.map(() => 0));
      expect(errors.slice(0, 5)).toEqual([]);
      expect(outcomes.map((o) => o.done?.acks)).toEqual(workers.map(() => CLIENT_CONCURRENCY * CLIENT_OPS_PER_LOOP));

      const apis = clientsFor(user.token);
      const byKey = new Map<string, Array<{ value: unknown; version: number }>>();
      for (const ack of acks) {
        let list = byKey.get(ack.key);
        if (!list) byKey.set(ack.key, (list = []));
        list.push(ack);
      }
      expect([...byKey.keys()].sort()).toEqual(["alertCooldownSeconds", ...ownKeys].sort());
      let lost = 0;
      const problems: string[] = [];
      for (const [key, list] of byKey) {
        const versions = list.map((a) => a.version).sort((a, b) => a - b);
        // Fresh user, only these writers: the versions are exactly 1..n, each once.
        if (versions.some((v, i) => v !== i + 1)) problems.push(`${key}: acknowledged versions are not 1..${list.length} each once`);
        const highest = list.reduce((a, b) => (b.version > a.version ? b : a));
        for (const api of apis) {
          const stored = await api.settings.get.query({ key: key as "theme" });
          if (stored.version !== list.length) {
            lost += Math.max(0, list.length - stored.version);
            problems.push(`${key}: stored version ${stored.version}, ${list.length} acknowledged writes`);
          }
          if (JSON.stringify(stored.value) !== JSON.stringify(highest.value)) {
            problems.push(`${key}: stored ${JSON.stringify(stored.value)}, highest ack v${highest.version} ${JSON.stringify(highest.value)}`);
          }
        }
      }
      figures.lost += lost;
      expect(problems).toEqual([]);
      expect(byKey.get("alertCooldownSeconds")).toHaveLength((PROCESSES * CLIENT_CONCURRENCY * CLIENT_OPS_PER_LOOP) / 2);

      // One event per acknowledged write, sequence numbers without gaps, each (key, version) once.
      const events = await replayLog(apis[1]!, acks.length);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: acks.length }, (_, i) => i + 1));
      expect(new Set(events.map((e) => `${e.entityId}@${e.version}`))).toEqual(new Set(acks.map((a) => `${a.key}@${a.version}`)));
      // Within one key, commit order (seq) and version order agree.
      for (const key of byKey.keys()) {
        const versions = events.filter((e) => e.entityId === key).map((e) => e.version);
        expect(versions, key).toEqual(versions.map((_, i) => i + 1));
      }
    } finally {
      for (const w of workers) w.kill();
    }
  });

  it(`stream on one process follows commits made through the others: bounded delay, seq order, no duplicates; resumes from lastEventId`, async () => {
    const user = await signUpUser(suite.urls()[0]!);
    const apis = clientsFor(user.token);
    const [A, B, C, D] = apis as [ApiClient, ApiClient, ApiClient, ApiClient];
    const has = (events: ReceivedEvent[], key: string, version: number) =>
      events.some((e) => e.entityId === key && e.version === version);

    // Phase 1: live. A stream on every process; writes through B, C and D, concurrently.
    const streams = apis.map((api) => openEventStream(api));
    let resumed: ReturnType<typeof openEventStream> | undefined;
    try {
      await Promise.all(streams.map((s, i) => s.waitFor((ev) => ev.length >= 1, 10_000, `the resync marker on process ${i}`)));
      for (const s of streams) expect(s.events[0]).toMatchObject({ type: "stream.resync", seq: 0 });

      const acked: Array<{ key: string; version: number; at: number }> = [];
      const THEMES = ["dark", "light", "system"] as const;
      const DENSITIES = ["compact", "spacious", "comfortable"] as const;
      const INTERVALS = ["5m", "15m", "4h"] as const;
      let maxLatency = 0;
      for (let round = 0; round < 5; round++) {
        const writes = [
          B.settings.set.mutate({ key: "theme", value: THEMES[round % 3]! }),
          C.settings.set.mutate({ key: "density", value: DENSITIES[round % 3]! }),
          D.settings.set.mutate({ key: "chartInterval", value: INTERVALS[round % 3]! }),
        ].map((p) => p.then((ack) => ({ key: ack.key, version: ack.version, at: performance.now() })));
        const acks = await Promise.all(writes);
        acked.push(...acks);
        await Promise.all(
          streams.map((s, i) =>
            s.waitFor((ev) => acks.every((a) => has(ev, a.key, a.version)), STREAM_BOUND_MS, `round ${round}'s changes on process ${i}`),
          ),
        );
        for (const s of streams) {
          for (const a of acks) {
            const event = s.events.find((e) => e.entityId === a.key && e.version === a.version)!;
            maxLatency = Math.max(maxLatency, event.receivedAt - a.at);
          }
        }
      }
      figures.streamMaxLatencyMs = Math.max(figures.streamMaxLatencyMs, maxLatency);
      figures.acknowledged += acked.length;
      expect(maxLatency).toBeLessThan(STREAM_BOUND_MS);
      await new Promise((resolve) => setTimeout(resolve, 300)); // nothing extra may follow
      for (const [i, s] of streams.entries()) {
        const data = s.events.slice(1);
        expect(data.map((e) => e.seq), `process ${i}`).toEqual(acked.map((_, n) => n + 1));
        expect(data.map((e) => e.id)).toEqual(data.map((e) => String(e.seq)));
        expect(new Set(data.map((e) => `${e.entityId}@${e.version}`))).toEqual(new Set(acked.map((a) => `${a.key}@${a.version}`)));
        expect(s.state()).toBe("open");
      }

      // Phase 2: A disconnects; changes are made through B meanwhile.
      const onA = streams[0]!;
      const lastSeen = onA.events.at(-1)!;
      for (const s of streams) s.close();
      const missed: Array<{ key: string; version: number }> = [];
      for (let i = 0; i < 6; i++) {
        const ack =
          i % 2 === 0
            ? await B.settings.set.mutate({ key: "theme", value: THEMES[i % 3]! })
            : await B.settings.set.mutate({ key: "watchlist", value: [`MISSED${i}`] });
        missed.push({ key: ack.key, version: ack.version });
      }
      figures.acknowledged += missed.length;

      // Phase 3: A reconnects from the last id it saw: exactly the missed events, then live again.
      resumed = openEventStream(A, lastSeen.id);
      await resumed.waitFor((ev) => ev.length >= missed.length, STREAM_BOUND_MS, "the replay of the missed events");
      expect(resumed.events.map((e) => e.seq)).toEqual(missed.map((_, i) => lastSeen.seq + 1 + i));
      expect(resumed.events.map((e) => `${e.entityId}@${e.version}`)).toEqual(missed.map((m) => `${m.key}@${m.version}`));

      const live = await Promise.all([
        C.settings.set.mutate({ key: "density", value: "compact" }),
        D.settings.set.mutate({ key: "notificationSound", value: "bell" }),
        D.settings.set.mutate({ key: "alertCooldownSeconds", value: 42 }),
      ]);
      figures.acknowledged += live.length;
      await resumed.waitFor((ev) => live.every((a) => has(ev, a.key, a.version)), STREAM_BOUND_MS, "live changes after the replay");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const total = missed.length + live.length;
      expect(resumed.events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => lastSeen.seq + 1 + i));
      expect(resumed.events.some((e) => e.type === "stream.resync")).toBe(false);
      expect(resumed.state()).toBe("open");
    } finally {
      for (const s of streams) s.close();
      resumed?.close();
    }
  });
});

interface WriterAck {
  key: string;
  value: unknown;
  version: number;
}

/** A writer client in its own OS process (fixtures/writer.ts): its acknowledged writes and errors as it reports them. */
function startWriter(config: {
  baseUrl: string;
  token: string;
  writer: number;
  ownKey: string;
  concurrency: number;
  opsPerLoop: number;
}) {
  const acks: WriterAck[] = [];
  const errors: unknown[] = [];
  const client = startClientProcess<{ acks: number; errors: number; ms: number }>({
    script: WRITER_SCRIPT,
    config,
    label: `writer ${config.writer}`,
    answerKey: () => null,
    onLine: (message) => {
      if (message.ack) acks.push(message.ack as WriterAck);
      else if (message.error) errors.push(message.error);
    },
  });
  return {
    ready: client.ready,
    finished: client.finished.then((outcome) => ({ ...outcome, acks, errors: outcome.fatal ? [...errors, outcome.fatal] : errors })),
    /** The cross-process barrier: every writer starts writing at `startAt` (epoch ms), then ends. */
    start(startAt: number) {
      client.send({ startAt });
      client.send({ end: true });
    },
    kill: client.kill,
  };
}

import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { apiClient, signUpUser } from "../../harness/api-client";
import { startClientProcess } from "../../harness/client-process";
import { DATABASES } from "../../harness/databases";
import { replayLog } from "../../harness/event-log";
import { useServerCluster } from "../../harness/server-cluster-suite";

/**
 * Profile writes across processes (docs/architecture.md, "The write rules",
 * "Processes"; docs/decisions/0006): 4 real server processes on one database (an
 * SQLite file; a PostgreSQL database) and 4 client OS processes
 * (fixtures/profile-writer.ts), client i talking to server i, each owning a
 * different field of the SAME profile. Every round the parent releases all four
 * at once and waits for all four answers before the next round (a per-round
 * barrier across processes), so every round really has four concurrent patches
 * of four different columns of one row.
 *
 * Then "same field, same base" races: 8 concurrent patches of `email` (2 from
 * each client process, so 2 per server process) carrying the same base: exactly
 * one wins, the 7 others get CONFLICT naming the winner's value, +1 version.
 */

const PROCESSES = 4;
const ROUNDS = Number(process.env.PROFILE_MP_ROUNDS ?? 120);
const RACES = Number(process.env.PROFILE_MP_RACES ?? 10);
const RACERS_PER_CLIENT = 2;
/** A liveness bound per round (four serialized one-row writes), generous for two shared CPUs. */
const ROUND_BOUND_MS = 30_000;
const FIELDS = ["email", "phone", "displayName", "bio"] as const;
type Field = (typeof FIELDS)[number];

const CLIENT_SCRIPT = fileURLToPath(new URL("./fixtures/profile-writer.ts", import.meta.url));

interface Ack {
  field: Field;
  value: string;
  version: number;
  /** The owned fields as the update's response showed them. */
  seen: Record<Field, string | null>;
}
interface RoundReply {
  round: number;
  ack?: Ack;
  error?: { code: string | null; message: string };
}
interface RaceResult {
  value: string;
  ok: boolean;
  version?: number;
  email?: string;
  code?: string | null;
  message?: string;
  fields?: Record<string, unknown> | null;
}
interface RaceReply {
  race: number;
  results: RaceResult[];
}

describe.each(DATABASES)(`profile across ${PROCESSES} server processes and ${PROCESSES} client processes on %s`, (kind) => {
  const figures = { rounds: 0, updates: 0, lost: 0, errors: 0, races: 0, raceConflicts: 0, slowestRoundMs: 0, events: 0 };

  const suite = useServerCluster(kind, {
    processes: PROCESSES,
    report: (duration) =>
      `[profile multiprocess ${kind}] ${PROCESSES} server processes + ${PROCESSES} client processes, ` +
        `${figures.rounds} rounds × ${PROCESSES} fields, ${figures.updates} acknowledged updates, ` +
        `${figures.lost} lost field updates, ${figures.errors} errors, ` +
        `${figures.races} same-base races (${figures.races} winners, ${figures.raceConflicts} CONFLICTs), ` +
        `${figures.events} events replayed, slowest round ${figures.slowestRoundMs.toFixed(0)} ms, ` +
        `duration ${duration}`,
  });

  it(`${PROCESSES} clients each own one field of one profile, ${ROUNDS} barrier rounds: no errors, no lost field updates, versions 1..n, log replays; then ${RACES} same-base races of ${PROCESSES * RACERS_PER_CLIENT}`, async () => {
    const user = await signUpUser(suite.urls()[0]!);
    const apis = suite.urls().map((url) => apiClient(url, user.token));
    const clients = FIELDS.map((field, i) => startClient({ baseUrl: suite.urls()[i]!, token: user.token, client: i, field }));
    try {
      await Promise.all(clients.map((c) => c.ready));

      // ---- Phase 1: R rounds, each released together, each awaited by all.
      const acksByField = new Map<Field, Ack[]>(FIELDS.map((f) => [f, []]));
      const allAcks: Ack[] = [];
      const errors: string[] = [];
      const problems: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const roundStarted = performance.now();
        const replies = clients.map((c) => c.reply<RoundReply>(`round:${round}`, ROUND_BOUND_MS));
        for (const c of clients) c.send({ go: round });
        const settled = await Promise.all(replies);
        figures.slowestRoundMs = Math.max(figures.slowestRoundMs, performance.now() - roundStarted);
        figures.rounds++;
        for (const [i, reply] of settled.entries()) {
          if (reply.error) {
            errors.push(`round ${round} client ${i} (${FIELDS[i]}): ${reply.error.code}: ${reply.error.message}`);
            continue;
          }
          const ack = reply.ack!;
          acksByField.get(ack.field)!.push(ack);
          allAcks.push(ack);
          if (ack.seen[ack.field] !== ack.value) problems.push(`round ${round} ${ack.field}: response shows ${ack.seen[ack.field]}, sent ${ack.value}`);
        }
        const versions = settled.flatMap((r) => (r.ack ? [r.ack.version] : [])).sort((a, b) => a - b);
        // Barrier: everything from earlier rounds committed first, so this round's versions are exactly the next four.
        if (errors.length === 0 && versions.join() !== [1, 2, 3, 4].map((n) => round * PROCESSES + n).join()) {
          problems.push(`round ${round}: versions ${versions.join()}, expected ${round * PROCESSES + 1}..${(round + 1) * PROCESSES}`);
        }
        if (errors.length > 0 || problems.length > 5) break;
      }
      figures.updates += allAcks.length;
      figures.errors += errors.length;
      expect(errors.slice(0, 5)).toEqual([]);
      expect(problems.slice(0, 10)).toEqual([]);
      expect(allAcks).toHaveLength(ROUNDS * PROCESSES);

      // Every acknowledged version once; together exactly 1..n.
      const versions = allAcks.map((a) => a.version).sort((a, b) => a - b);
      expect(new Set(versions).size).toBe(allAcks.length);
      expect(versions).toEqual(allAcks.map((_, i) => i + 1));

      // Each response is a consistent snapshot in commit order: another owner's field shows its
      // value of this round if (and only if) that update committed before this one, else last round's.
      const snapshotProblems: string[] = [];
      const byFieldRound = (f: Field, r: number) => acksByField.get(f)![r];
      for (const [f, list] of acksByField) {
        for (const [r, ack] of list.entries()) {
          for (const other of FIELDS) {
            if (other === f) continue;
            const now = byFieldRound(other, r)!;
            const before = r > 0 ? byFieldRound(other, r - 1)!.value : null;
            const expected = now.version < ack.version ? now.value : before;
            if (ack.seen[other] !== expected) {
              snapshotProblems.push(`${f} v${ack.version} (round ${r}) shows ${other}=${ack.seen[other]}, expected ${expected}`);
            }
          }
        }
      }

      // The stored profile, read through every process: each field holds its owner's LAST acknowledged value.
      const stored = await Promise.all(apis.map((api) => api.profile.get.query()));
      // Lost field updates: the acknowledged updates of a field after the one whose value is stored
      // (all of them when the stored value is none of them); the worst reading process counts.
      let lost = 0;
      for (const [f, list] of acksByField) {
        let worst = 0;
        for (const [p, s] of stored.entries()) {
          const lostHere = list.length - 1 - list.findIndex((a) => a.value === s[f]);
          if (lostHere > 0) problems.push(`process ${p}: ${f} = ${s[f]}, last acknowledged ${list.at(-1)!.value}`);
          worst = Math.max(worst, lostHere);
        }
        lost += worst;
      }
      figures.lost += lost;
      expect(problems).toEqual([]);
      expect(snapshotProblems.slice(0, 10)).toEqual([]);
      for (const s of stored) expect(s.version).toBe(allAcks.length);
      expect(lost).toBe(0);

      // ---- Phase 2: same field, same base. 8 concurrent patches of email, 2 per client/server process.
      const raceWinners: Array<{ value: string; version: number }> = [];
      for (let k = 0; k < RACES; k++) {
        const before = await apis[k % PROCESSES]!.profile.get.query();
        const replies = clients.map((c) => c.reply<RaceReply>(`race:${k}`, ROUND_BOUND_MS));
        for (const c of clients) c.send({ race: k, base: before.email });
        const results = (await Promise.all(replies)).flatMap((r) => r.results);
        expect(results).toHaveLength(PROCESSES * RACERS_PER_CLIENT);
        const winners = results.filter((r) => r.ok);
        const losers = results.filter((r) => !r.ok);
        const unexpected = losers.filter((r) => r.code !== "CONFLICT");
        figures.errors += unexpected.length;
        expect(unexpected.map((r) => `${r.code}: ${r.message}`)).toEqual([]);
        expect(winners.map((w) => w.value), `race ${k}`).toHaveLength(1);
        const winner = winners[0]!;
        figures.races++;
        figures.updates++;
        figures.raceConflicts += losers.length;
        expect(winner.version).toBe(before.version + 1);
        expect(winner.email).toBe(winner.value);
        for (const loser of losers) expect(loser.fields, `race ${k} loser ${loser.value}`).toEqual({ email: winner.value });
        const after = await Promise.all(apis.map((api) => api.profile.get.query()));
        for (const s of after) {
          expect({ email: s.email, version: s.version }).toEqual({ email: winner.value, version: before.version + 1 });
          // The race touched nothing else.
          for (const f of FIELDS) if (f !== "email") expect(s[f]).toBe(before[f]);
        }
        raceWinners.push({ value: winner.value, version: winner.version! });
      }

      // ---- The event log, replayed through the stream of another process: one event per acknowledged
      // update, seq = version = commit order, each naming the field it changed and the acknowledged value.
      const total = allAcks.length + raceWinners.length;
      const events = await replayLog(apis[3]!, total);
      figures.events = events.length;
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(events.map((e) => e.version)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(new Set(events.map((e) => e.type))).toEqual(new Set(["profile.updated"]));
      const expectedChange = new Map<number, { field: Field; value: string }>([
        ...allAcks.map((a) => [a.version, { field: a.field, value: a.value }] as const),
        ...raceWinners.map((w) => [w.version, { field: "email" as Field, value: w.value }] as const),
      ]);
      const folded: Partial<Record<Field, string | null>> = {};
      for (const event of events) {
        const payload = event.payload as { changed: Field[]; profile: Record<Field, string | null> & { version: number } };
        const change = expectedChange.get(event.version)!;
        expect(payload.changed, `event v${event.version}`).toEqual([change.field]);
        expect(payload.profile[change.field], `event v${event.version}`).toBe(change.value);
        expect(payload.profile.version).toBe(event.version);
        for (const f of payload.changed) folded[f] = payload.profile[f];
      }
      const final = await apis[2]!.profile.get.query();
      expect(final.version).toBe(total);
      expect(folded).toEqual(Object.fromEntries(FIELDS.map((f) => [f, final[f]])));

      // The client processes end cleanly and agree with what the parent counted.
      for (const c of clients) c.send({ end: true });
      const outcomes = await Promise.all(clients.map((c) => c.finished));
      expect(outcomes.map((o) => o.exitCode), outcomes.map((o) => o.stderr + o.fatal).join("\n")).toEqual(clients.map(() => 0));
      expect(outcomes.map((o) => o.done?.errors)).toEqual(clients.map(() => 0));
      expect(outcomes.map((o) => o.done?.acks)).toEqual(clients.map(() => ROUNDS));
    } finally {
      for (const c of clients) c.kill();
    }
    // About 25 s on an idle machine; 55 s seen with a load average of 15 on two CPUs.
  }, 180_000);
});

interface ClientDone {
  acks: number;
  errors: number;
  ms: number;
}

/** A profile client in its own OS process (fixtures/profile-writer.ts), driven over stdin/stdout. */
function startClient(config: { baseUrl: string; token: string; client: number; field: Field }) {
  return startClientProcess<ClientDone>({
    script: CLIENT_SCRIPT,
    config,
    label: `client ${config.client} (${config.field})`,
    answerKey: (message) =>
      typeof message.round === "number" ? `round:${message.round}` : typeof message.race === "number" ? `race:${message.race}` : null,
  });
}

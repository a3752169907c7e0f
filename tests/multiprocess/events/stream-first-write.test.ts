import { describe, expect, it } from "vitest";
import { RESYNC_EVENT_TYPE } from "@/domain/events/schema";
import { apiClient, openEventStream, signUpUser } from "../../harness/api-client";
import { together } from "../../harness/barrier";
import { DATABASES } from "../../harness/databases";
import { useServers } from "../../harness/server-cluster-suite";

/**
 * A tab that replays from lastEventId 0 on one server process while the
 * user's first writes commit through another must get those events, never a
 * resync marker: the stream reads the log's bounds (latest seq, oldest kept
 * event) while the other process commits, and the two reads must not straddle
 * a commit in the order that looks like "everything was pruned". Found by the
 * torture run; in one process the window is too narrow to hit.
 */

const ROUNDS = Number(process.env.STREAM_RACE_ROUNDS ?? 100);
const STREAMS = 8;
const WRITES = 3;

describe.each(DATABASES)("stream replay racing a user's first writes from another process on %s", (kind) => {
  const cluster = useServers(kind, { processes: 2 });

  it(`${ROUNDS} fresh users × ${STREAMS} replays from 0 while ${WRITES} first writes land: every replay starts at seq 1`, async () => {
    const [streamServer, writeServer] = cluster.urls();
    const spurious: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const user = await signUpUser(writeServer!);
      const reader = apiClient(streamServer!, user.token);
      const writer = apiClient(writeServer!, user.token);
      await reader.settings.list.query(); // the session is known to the stream's process before the race
      const outcomes = await together(STREAMS + WRITES, async (i) => {
        if (i >= STREAMS) return writer.settings.set.mutate({ key: "alertCooldownSeconds", value: i });
        const stream = openEventStream(reader, "0");
        try {
          await stream.waitFor((events) => events.length > 0, 10_000, "the first event");
          return stream.events[0]!;
        } finally {
          stream.close();
        }
      });
      const failed = outcomes.filter((o) => o.status === "rejected");
      expect(failed).toEqual([]);
      for (const outcome of outcomes.slice(0, STREAMS)) {
        const first = (outcome as PromiseFulfilledResult<{ type: string; seq: number }>).value;
        if (first.type === RESYNC_EVENT_TYPE) spurious.push(`round ${round}: resync marker at ${first.seq}`);
        else if (first.seq !== 1) spurious.push(`round ${round}: replay started at seq ${first.seq}`);
      }
    }
    console.log(`[stream first-write race ${kind}] ${ROUNDS} rounds × ${STREAMS} replays: ${spurious.length} spurious resyncs`);
    expect(spurious).toEqual([]);
  }, 240_000);
});

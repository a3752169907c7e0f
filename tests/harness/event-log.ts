import { expect } from "vitest";
import { openEventStream, type ApiClient, type ReceivedEvent } from "./api-client";

/** The user's whole event log, replayed through the stream from the beginning (lastEventId "0"). */
export async function replayLog(api: ApiClient, expected: number): Promise<ReceivedEvent[]> {
  const stream = openEventStream(api, "0");
  try {
    await stream.waitFor((ev) => ev.length >= expected, 30_000, `${expected} replayed events`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // and nothing more
    expect(stream.events.filter((e) => e.type === "stream.resync")).toEqual([]);
    expect(stream.events).toHaveLength(expected);
    return stream.events;
  } finally {
    stream.close();
  }
}

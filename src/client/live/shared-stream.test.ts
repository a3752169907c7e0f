import { afterEach, describe, expect, it } from "vitest";
import { SharedStream, type ConnectionHandlers, type StreamEvent, type StreamState } from "./shared-stream";

/** A LockManager with the one behaviour used here: exclusive, FIFO, abortable while waiting. */
class FakeLocks {
  readonly #queues = new Map<string, Array<{ run: () => void }>>();
  readonly #held = new Set<string>();

  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry = {
        run: () => {
          this.#held.add(name);
          callback().finally(() => {
            this.#held.delete(name);
            resolve();
            this.#next(name);
          });
        },
      };
      options.signal?.addEventListener("abort", () => {
        const queue = this.#queues.get(name) ?? [];
        const index = queue.indexOf(entry);
        if (index >= 0) {
          queue.splice(index, 1);
          reject(new DOMException("aborted", "AbortError"));
        }
      });
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      queue.push(entry);
      if (!this.#held.has(name)) this.#next(name);
    });
  }

  #next(name: string) {
    if (this.#held.has(name)) return;
    const entry = this.#queues.get(name)?.shift();
    entry?.run();
  }
}

interface Tab {
  stream: SharedStream;
  events: StreamEvent[];
  resyncs: number;
  states: StreamState[];
  connections: Array<{ lastEventId: string | undefined; handlers: ConnectionHandlers; closed: boolean }>;
}

const tabs: Tab[] = [];
const scope = () => `user-${Math.random().toString(36).slice(2)}`;
const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

function openTab(userScope: string, locks: FakeLocks | null, channels = true): Tab {
  const tab: Tab = { events: [], resyncs: 0, states: [], connections: [], stream: null as unknown as SharedStream };
  tab.stream = new SharedStream({
    scope: userScope,
    locks: locks as unknown as LockManager,
    createChannel: channels ? (name) => new BroadcastChannel(name) : null,
    retryDelay: () => 10,
    connect(lastEventId, handlers) {
      const connection = { lastEventId, handlers, closed: false };
      tab.connections.push(connection);
      return () => {
        connection.closed = true;
      };
    },
    onEvent: (event) => tab.events.push(event),
    onResync: () => tab.resyncs++,
    onState: (state) => tab.states.push(state),
  });
  tab.stream.start();
  tabs.push(tab);
  return tab;
}

const event = (seq: number): StreamEvent => ({ id: String(seq), type: "setting.saved", seq });

afterEach(() => {
  for (const tab of tabs.splice(0)) tab.stream.stop();
});

describe("SharedStream", () => {
  it("opens one connection for all tabs and relays its events to the others", async () => {
    const locks = new FakeLocks();
    const user = scope();
    const a = openTab(user, locks);
    const b = openTab(user, locks);
    const c = openTab(user, locks);
    await tick();
    expect(a.stream.state.role).toBe("leader");
    expect([b.stream.state.role, c.stream.state.role]).toEqual(["follower", "follower"]);
    expect(a.connections).toHaveLength(1);
    expect(b.connections.length + c.connections.length).toBe(0);

    a.connections[0]!.handlers.connection("open");
    a.connections[0]!.handlers.event("1", event(1));
    a.connections[0]!.handlers.event("2", event(2));
    await tick();
    for (const tab of [a, b, c]) {
      expect(tab.events.map((e) => e.id)).toEqual(["1", "2"]);
      expect(tab.stream.state.status).toBe("live");
      expect(tab.resyncs).toBe(1);
    }
  });

  it("hands the stream to a waiting tab when the leader closes, resuming from the last event id", async () => {
    const locks = new FakeLocks();
    const user = scope();
    const a = openTab(user, locks);
    const b = openTab(user, locks);
    await tick();
    a.connections[0]!.handlers.connection("open");
    a.connections[0]!.handlers.event("7", event(7));
    await tick();

    a.stream.stop();
    await tick();
    expect(a.connections[0]!.closed).toBe(true);
    expect(b.stream.state.role).toBe("leader");
    expect(b.connections).toHaveLength(1);
    expect(b.connections[0]!.lastEventId).toBe("7");
    expect(b.stream.state.status).toBe("reconnecting");

    b.connections[0]!.handlers.connection("open");
    expect(b.stream.state.status).toBe("live");
    expect(b.resyncs).toBe(2); // once when a connected, once on its own (re)connect
  });

  it("tells a tab that joins late where the stream is", async () => {
    const locks = new FakeLocks();
    const user = scope();
    const a = openTab(user, locks);
    await tick();
    a.connections[0]!.handlers.connection("open");
    a.connections[0]!.handlers.event("42", event(42));
    const late = openTab(user, locks);
    await tick();
    expect(late.stream.state.status).toBe("live");
    expect(late.stream.lastEventId).toBe("42");
  });

  it("keeps tabs of different users apart", async () => {
    const locks = new FakeLocks();
    const a = openTab(scope(), locks);
    const b = openTab(scope(), locks);
    await tick();
    expect(a.stream.state.role).toBe("leader");
    expect(b.stream.state.role).toBe("leader");
    a.connections[0]!.handlers.event("1", event(1));
    await tick();
    expect(b.events).toHaveLength(0);
  });

  it("reopens a failed stream after a delay, from the last event id", async () => {
    const locks = new FakeLocks();
    const a = openTab(scope(), locks);
    await tick();
    a.connections[0]!.handlers.connection("open");
    a.connections[0]!.handlers.event("3", event(3));
    a.connections[0]!.handlers.failed(new Error("boom"));
    expect(a.stream.state.status).toBe("reconnecting");
    await tick(40);
    expect(a.connections).toHaveLength(2);
    expect(a.connections[1]!.lastEventId).toBe("3");
  });

  it("falls back to a stream per tab without Web Locks or BroadcastChannel", async () => {
    const user = scope();
    const a = openTab(user, null);
    const b = openTab(user, new FakeLocks(), false);
    await tick();
    for (const tab of [a, b]) {
      expect(tab.stream.state.role).toBe("solo");
      expect(tab.connections).toHaveLength(1);
    }
  });

  it("ignores events of a closed connection", async () => {
    const locks = new FakeLocks();
    const a = openTab(scope(), locks);
    await tick();
    const first = a.connections[0]!;
    first.handlers.failed(new Error("gone"));
    first.handlers.event("9", event(9));
    expect(a.events).toHaveLength(0);
  });
});

import type { Database } from "@/db/client";
import { eventLogBounds, eventsAfter, maxEventRowId } from "../data";
import { EVENTS_COMMITTED, PG_EVENTS_CHANNEL } from "../mutations";
import { RESYNC_EVENT_TYPE, type LoggedEvent } from "../schema";

const PAGE = 500;

/**
 * Wakes this process's stream subscribers when their user's log may have grown.
 * Sources: commits made in this process (in-process bus), commits of other
 * processes (PostgreSQL LISTEN/NOTIFY; on SQLite a short poll of the highest
 * event id), and a periodic safety wake. Subscribers then read the log by
 * per-user sequence, so a spurious wake costs one query and a missed
 * notification costs at most one poll interval — never an event.
 */
export class EventTailer {
  readonly #db: Database;
  readonly #pollMs: number;
  readonly #userGeneration = new Map<string, number>();
  #globalGeneration = 0;
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #inflight = new Map<string, Promise<LoggedEvent[]>>();
  #timer: NodeJS.Timeout | null = null;
  #lastMaxId = -1;
  #stopListening: (() => Promise<void>) | null = null;
  readonly #onLocalCommit = (userId: string) => this.wake(userId);

  constructor(db: Database, pollMs = db.provider === "sqlite" ? 100 : 1000) {
    this.#db = db;
    this.#pollMs = pollMs;
  }

  async start(): Promise<void> {
    this.#db.bus.on(EVENTS_COMMITTED, this.#onLocalCommit);
    const listener = await this.#db.listen(PG_EVENTS_CHANNEL, (userId) => this.wake(userId));
    this.#stopListening = listener ? () => listener.close() : null;
    this.#timer = setInterval(() => void this.#poll(), this.#pollMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#db.bus.off(EVENTS_COMMITTED, this.#onLocalCommit);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#stopListening?.();
    this.wakeAll();
  }

  generation(userId: string): number {
    return (this.#userGeneration.get(userId) ?? 0) + this.#globalGeneration;
  }

  wake(userId: string): void {
    this.#userGeneration.set(userId, (this.#userGeneration.get(userId) ?? 0) + 1);
    const waiters = this.#waiters.get(userId);
    if (!waiters) return;
    this.#waiters.delete(userId);
    for (const resolve of waiters) resolve();
  }

  wakeAll(): void {
    this.#globalGeneration++;
    const all = [...this.#waiters.values()];
    this.#waiters.clear();
    for (const waiters of all) for (const resolve of waiters) resolve();
  }

  /** Resolves once the user's generation moves past `seenGeneration`, or on abort. */
  waitForChange(userId: string, seenGeneration: number, signal: AbortSignal): Promise<void> {
    if (this.generation(userId) !== seenGeneration || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        this.#waiters.get(userId)?.delete(done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      let set = this.#waiters.get(userId);
      if (!set) this.#waiters.set(userId, (set = new Set()));
      set.add(done);
    });
  }

  /** Subscribers of one user at the same cursor share one query. */
  fetchAfter(userId: string, afterSeq: number): Promise<LoggedEvent[]> {
    const key = `${userId}:${afterSeq}`;
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = eventsAfter(this.#db, userId, afterSeq, PAGE).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  async #poll(): Promise<void> {
    if (this.#waiters.size === 0) return;
    try {
      if (this.#db.provider === "postgresql") {
        // Row ids can commit out of order on PostgreSQL; NOTIFY is the fast
        // path and this periodic wake is the safety net.
        this.wakeAll();
        return;
      }
      const maxId = await maxEventRowId(this.#db);
      if (maxId !== this.#lastMaxId) {
        this.#lastMaxId = maxId;
        this.wakeAll();
      }
    } catch {
      // The next poll tries again; subscribers keep their cursors.
    }
  }
}

/**
 * The event stream of one user: replays everything after `lastEventId`, then
 * follows live until `signal` aborts. Without `lastEventId` (or with one the
 * log can no longer serve) it first yields a resync marker carrying the
 * current position, after which the client refetches its state.
 */
export async function* followUserEvents(
  db: Database,
  tailer: EventTailer,
  userId: string,
  lastEventId: string | null | undefined,
  signal: AbortSignal,
): AsyncGenerator<LoggedEvent> {
  const bounds = await eventLogBounds(db, userId);
  let cursor = lastEventId == null ? Number.NaN : Number(lastEventId);
  const replayable =
    Number.isSafeInteger(cursor) &&
    cursor <= bounds.latest &&
    (cursor >= bounds.latest || (bounds.oldest !== null && cursor >= bounds.oldest - 1));
  if (!replayable) {
    cursor = bounds.latest;
    yield resyncMarker(cursor);
  }
  while (!signal.aborted) {
    const seen = tailer.generation(userId);
    const batch = await tailer.fetchAfter(userId, cursor);
    for (const event of batch) {
      if (signal.aborted) return;
      yield event;
      cursor = event.seq;
    }
    if (batch.length === PAGE) continue;
    await tailer.waitForChange(userId, seen, signal);
  }
}

function resyncMarker(seq: number): LoggedEvent {
  return {
    id: String(seq),
    seq,
    type: RESYNC_EVENT_TYPE,
    entity: "stream",
    entityId: "",
    version: 0,
    payload: null,
    createdAt: new Date(),
  };
}

/**
 * One event stream for all tabs of a browser (docs/decisions/0003-client-cache.md).
 *
 * Browsers allow about six HTTP/1.1 connections per origin across all tabs, so
 * an SSE connection per tab would leave ten tabs without connections for their
 * queries and saves. Instead the tabs of one user elect a leader with the Web
 * Locks API: the tab holding the lock opens the stream and relays every event
 * over a BroadcastChannel; the others listen. When the leader closes, the
 * browser releases its lock, the next waiting tab gets it and reconnects from
 * the last event id it saw, and the server replays what was missed.
 *
 * Without Web Locks or BroadcastChannel (old browsers, or an insecure origin:
 * `navigator.locks` needs a secure context) every tab opens its own stream.
 *
 * This module knows nothing about tRPC or React: `connect` opens the actual
 * subscription, which keeps it testable.
 */

export type StreamStatus = "connecting" | "live" | "reconnecting";
export type StreamRole = "leader" | "follower" | "solo";

export interface StreamState {
  status: StreamStatus;
  role: StreamRole;
}

export interface StreamEvent {
  id: string;
  type: string;
  [field: string]: unknown;
}

/** What `connect` reports about the one real connection. */
export interface ConnectionHandlers {
  event(id: string, event: StreamEvent): void;
  /** "open": connected (first time or again); "retrying": lost, the transport is reconnecting. */
  connection(state: "open" | "retrying"): void;
  /** The subscription ended with an error it will not recover from by itself. */
  failed(error: unknown): void;
}

export interface SharedStreamOptions {
  /** Tabs share a stream only within one scope (the signed-in user). */
  scope: string;
  /** Opens the subscription after `lastEventId`; returns a function that closes it. */
  connect(lastEventId: string | undefined, handlers: ConnectionHandlers): () => void;
  onEvent(event: StreamEvent): void;
  /** The connection (re)opened: state may have been missed, refetch it. */
  onResync(): void;
  onState(state: StreamState): void;
  /** Injected in tests; default to the browser's. */
  locks?: LockManager | null;
  createChannel?: ((name: string) => BroadcastChannel) | null;
  /** Delay before reopening a failed stream (ms), by attempt. */
  retryDelay?: (attempt: number) => number;
}

type Message =
  | { t: "event"; id: string; event: StreamEvent }
  | { t: "state"; status: StreamStatus; lastEventId?: string }
  | { t: "resync" }
  | { t: "hello" }
  | { t: "bye" };

export const LOCK_PREFIX = "vo-stream-leader";
const CHANNEL_PREFIX = "vo-stream";

export class SharedStream {
  readonly #options: SharedStreamOptions;
  #state: StreamState = { status: "connecting", role: "follower" };
  #lastEventId: string | undefined;
  #channel: BroadcastChannel | null = null;
  #lockAbort: AbortController | null = null;
  #releaseLock: (() => void) | null = null;
  #close: (() => void) | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  #everOpen = false;
  #stopped = false;
  readonly #onPageHide = () => this.#post({ t: "bye" });

  constructor(options: SharedStreamOptions) {
    this.#options = options;
  }

  get state(): StreamState {
    return this.#state;
  }

  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  start(): void {
    const locks = this.#options.locks !== undefined ? this.#options.locks : browserLocks();
    const createChannel =
      this.#options.createChannel !== undefined ? this.#options.createChannel : browserChannelFactory();
    if (!locks || !createChannel) {
      this.#setState({ status: "connecting", role: "solo" });
      this.#open();
      return;
    }
    const scope = this.#options.scope;
    this.#channel = createChannel(`${CHANNEL_PREFIX}:${scope}`);
    this.#channel.onmessage = (message: MessageEvent<Message>) => this.#receive(message.data);
    this.#setState({ status: "connecting", role: "follower" });
    this.#post({ t: "hello" });
    globalThis.addEventListener?.("pagehide", this.#onPageHide);
    this.#lockAbort = new AbortController();
    locks
      .request(`${LOCK_PREFIX}:${scope}`, { signal: this.#lockAbort.signal }, () => this.#lead())
      .catch(() => {
        // Aborted while waiting (stop()), or the lock manager went away with the page.
      });
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#state.role === "leader") this.#post({ t: "bye" });
    this.#closeConnection();
    this.#lockAbort?.abort();
    this.#releaseLock?.();
    globalThis.removeEventListener?.("pagehide", this.#onPageHide);
    this.#channel?.close();
    this.#channel = null;
  }

  /** Runs while this tab holds the lock; the lock is released when the promise settles. */
  #lead(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#setState({ status: this.#everOpen ? "reconnecting" : "connecting", role: "leader" });
    this.#open();
    return new Promise((resolve) => {
      this.#releaseLock = resolve;
    });
  }

  #open(): void {
    this.#closeConnection();
    let active = true;
    const close = this.#options.connect(this.#lastEventId, {
      event: (id, event) => {
        if (!active) return;
        this.#noteEventId(id);
        this.#options.onEvent(event);
        this.#post({ t: "event", id, event });
      },
      connection: (state) => {
        if (!active) return;
        if (state === "open") {
          this.#failures = 0;
          this.#everOpen = true;
          this.#setState({ ...this.#state, status: "live" });
          this.#options.onResync();
          this.#post({ t: "resync" });
        } else {
          this.#setState({ ...this.#state, status: this.#everOpen ? "reconnecting" : "connecting" });
        }
        this.#post({ t: "state", status: this.#state.status, lastEventId: this.#lastEventId });
      },
      failed: () => {
        if (!active) return;
        active = false;
        this.#close = null;
        this.#setState({ ...this.#state, status: "reconnecting" });
        this.#post({ t: "state", status: "reconnecting", lastEventId: this.#lastEventId });
        const delay = (this.#options.retryDelay ?? defaultRetryDelay)(this.#failures++);
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = null;
          if (!this.#stopped) this.#open();
        }, delay);
      },
    });
    this.#close = () => {
      active = false;
      close();
    };
  }

  #closeConnection(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#close?.();
    this.#close = null;
  }

  #receive(message: Message): void {
    if (this.#stopped || !message || typeof message !== "object") return;
    const leading = this.#state.role === "leader";
    switch (message.t) {
      case "event":
        if (leading) return; // another leader? ours is authoritative for this tab
        this.#noteEventId(message.id);
        this.#options.onEvent(message.event);
        return;
      case "state":
        if (leading) return;
        if (message.lastEventId) this.#noteEventId(message.lastEventId);
        if (message.status === "live") this.#everOpen = true;
        this.#setState({ ...this.#state, status: message.status });
        return;
      case "resync":
        if (!leading) this.#options.onResync();
        return;
      case "hello":
        if (leading) this.#post({ t: "state", status: this.#state.status, lastEventId: this.#lastEventId });
        return;
      case "bye":
        if (!leading) this.#setState({ ...this.#state, status: "reconnecting" });
        return;
    }
  }

  /** Event ids are per-user sequence numbers; keep the highest seen. */
  #noteEventId(id: string): void {
    if (this.#lastEventId === undefined || Number(id) > Number(this.#lastEventId)) this.#lastEventId = id;
  }

  #post(message: Message): void {
    try {
      this.#channel?.postMessage(message);
    } catch {
      // Channel closed (page going away); nothing to relay to.
    }
  }

  #setState(state: StreamState): void {
    if (state.status === this.#state.status && state.role === this.#state.role) return;
    this.#state = state;
    this.#options.onState(state);
  }
}

function defaultRetryDelay(attempt: number): number {
  const base = Math.min(15_000, 1_000 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function browserLocks(): LockManager | null {
  return typeof navigator !== "undefined" && navigator.locks ? navigator.locks : null;
}

function browserChannelFactory(): ((name: string) => BroadcastChannel) | null {
  return typeof BroadcastChannel === "function" ? (name) => new BroadcastChannel(name) : null;
}

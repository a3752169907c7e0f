import { randomUUID } from "node:crypto";
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
import type { LoggedEvent } from "@/domain/events/schema";
import type { AppRouter } from "@/server/trpc/root";

/**
 * A typed API client over real HTTP, the way a script or bot uses the API:
 * sign up (or in) through Better Auth, then `Authorization: Bearer <token>`
 * on every tRPC call, including the SSE stream.
 */

export type ApiClient = TRPCClient<AppRouter>;

export interface SignedUpUser {
  token: string;
  userId: string;
  email: string;
  password: string;
}

/** Signs up a fresh user on the server at `baseUrl`; returns its bearer token and id. */
export async function signUpUser(baseUrl: string, name = "Trader"): Promise<SignedUpUser> {
  const email = `trader-${randomUUID()}@example.test`;
  const password = `pw-${randomUUID()}`;
  const res = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    // Node's fetch may send Sec-Fetch-Mode; Better Auth then wants a trusted Origin.
    headers: { "content-type": "application/json", origin: new URL(baseUrl).origin },
    body: JSON.stringify({ email, password, name }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sign-up on ${baseUrl} failed: HTTP ${res.status} ${text}`);
  const body = JSON.parse(text) as { token?: string; user?: { id?: string } };
  if (!body.token || !body.user?.id) throw new Error(`sign-up on ${baseUrl} returned no token: ${text}`);
  return { token: body.token, userId: body.user.id, email, password };
}

/** Signs up a fresh user; returns only the bearer token. */
export async function signUp(baseUrl: string, name?: string): Promise<string> {
  return (await signUpUser(baseUrl, name)).token;
}

/** A typed tRPC client for one server: httpLink for queries/mutations, SSE for subscriptions. */
export function apiClient(baseUrl: string, token?: string): ApiClient {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const url = `${baseUrl}/api/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          EventSource: FetchEventSource,
          eventSourceOptions: { headers },
        }),
        false: httpLink({ url, transformer: superjson, headers }),
      }),
    ],
  });
}

// ---------------------------------------------------------------------------
// EventSource over fetch. Node 20 has no EventSource, and the browser one
// cannot send an Authorization header. This one implements what tRPC's
// httpSubscriptionLink uses. Unlike a browser EventSource it does NOT
// reconnect by itself: when the connection drops without tRPC's `return`
// event, it reports an error with readyState CLOSED, so the subscription
// fails visibly and a test decides when (and from which id) to reconnect.
// ---------------------------------------------------------------------------

export interface FetchEventSourceInit {
  withCredentials?: boolean;
  headers?: Record<string, string>;
}

export interface SseMessage {
  type: string;
  data: string;
  lastEventId: string;
  /** Set on "error" events. */
  error?: unknown;
}

type Listener = (event: SseMessage) => void;

export class FetchEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = 0;
  readonly url: string;
  readonly withCredentials: boolean;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #abort = new AbortController();

  constructor(url: string, init?: FetchEventSourceInit) {
    this.url = url;
    this.withCredentials = Boolean(init?.withCredentials);
    // Listeners are attached synchronously after construction; start on the next tick.
    setTimeout(() => void this.#run(init?.headers ?? {}), 0);
  }

  addEventListener(type: string, listener: Listener): void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  close(): void {
    this.readyState = this.CLOSED;
    this.#abort.abort();
  }

  #dispatch(event: SseMessage): void {
    for (const listener of [...(this.#listeners.get(event.type) ?? [])]) listener(event);
  }

  #fail(error: unknown): void {
    if (this.readyState === this.CLOSED) return; // closed by the consumer: nothing to report
    this.readyState = this.CLOSED;
    this.#dispatch({ type: "error", data: "", lastEventId: "", error });
  }

  async #run(headers: Record<string, string>): Promise<void> {
    if (this.readyState === this.CLOSED) return;
    try {
      const res = await fetch(this.url, {
        headers: { accept: "text/event-stream", "cache-control": "no-cache", ...headers },
        signal: this.#abort.signal,
      });
      if (!res.ok || !res.body) {
        this.#fail(new Error(`SSE ${this.url}: HTTP ${res.status} ${await res.text().catch(() => "")}`));
        return;
      }
      if (this.readyState === this.CLOSED) return;
      this.readyState = this.OPEN;
      this.#dispatch({ type: "open", data: "", lastEventId: "" });

      let buffer = "";
      let eventType = "";
      let data: string[] = [];
      let lastEventId = "";
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: RegExpExecArray | null;
        while ((newline = /\r\n|\r|\n/.exec(buffer)) !== null) {
          // A lone \r at the end may be the first half of \r\n: wait for more.
          if (newline[0] === "\r" && newline.index === buffer.length - 1) break;
          const line = buffer.slice(0, newline.index);
          buffer = buffer.slice(newline.index + newline[0].length);
          if (line === "") {
            if (data.length > 0 || eventType !== "") {
              const event = { type: eventType || "message", data: data.join("\n"), lastEventId };
              eventType = "";
              data = [];
              if (this.readyState === this.CLOSED) return;
              this.#dispatch(event);
            }
            continue;
          }
          if (line.startsWith(":")) continue; // comment
          const colon = line.indexOf(":");
          const field = colon === -1 ? line : line.slice(0, colon);
          let value = colon === -1 ? "" : line.slice(colon + 1);
          if (value.startsWith(" ")) value = value.slice(1);
          if (field === "event") eventType = value;
          else if (field === "data") data.push(value);
          else if (field === "id" && !value.includes("\0")) lastEventId = value;
        }
      }
      this.#fail(new Error(`SSE ${this.url}: the server closed the stream`));
    } catch (error) {
      this.#fail(error);
    }
  }
}

// ---------------------------------------------------------------------------
// A stream subscription that records what arrives, for assertions.
// ---------------------------------------------------------------------------

export interface ReceivedEvent extends LoggedEvent {
  /** performance.now() in the test process when it arrived. */
  receivedAt: number;
}

export interface EventStream {
  /** Every event in arrival order (including `stream.resync` markers). */
  readonly events: ReceivedEvent[];
  /** "open" while following; "completed" when the server ended it; "errored" when it failed. */
  readonly state: () => "open" | "completed" | "errored" | "closed";
  readonly error: () => unknown;
  /** Settles when the stream completes or errors (not when closed by `close()`). */
  readonly ended: Promise<"completed" | "errored">;
  /** Resolves once `predicate(events)` holds; rejects after `timeoutMs` or when the stream ends first. */
  waitFor(predicate: (events: ReceivedEvent[]) => boolean, timeoutMs: number, what: string): Promise<void>;
  /** Unsubscribes (the client disconnects). */
  close(): void;
}

export function openEventStream(client: ApiClient, lastEventId?: string): EventStream {
  const events: ReceivedEvent[] = [];
  let state: "open" | "completed" | "errored" | "closed" = "open";
  let failure: unknown;
  const checks = new Set<() => void>();
  const notify = () => {
    for (const check of [...checks]) check();
  };
  let settle!: (how: "completed" | "errored") => void;
  const ended = new Promise<"completed" | "errored">((resolve) => (settle = resolve));

  const subscription = client.stream.events.subscribe(lastEventId === undefined ? undefined : { lastEventId }, {
    onData(tracked) {
      events.push({ ...(tracked.data as LoggedEvent), receivedAt: performance.now() });
      notify();
    },
    onError(error) {
      if (state !== "open") return;
      state = "errored";
      failure = error;
      settle("errored");
      notify();
    },
    onComplete() {
      if (state !== "open") return;
      state = "completed";
      settle("completed");
      notify();
    },
  });

  return {
    events,
    state: () => state,
    error: () => failure,
    ended,
    waitFor(predicate, timeoutMs, what) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(events)) return finish();
          if (state !== "open") finish(new Error(`stream ${state} before ${what}: ${String(failure ?? "")}`));
        };
        const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
        const finish = (error?: Error) => {
          clearTimeout(timer);
          checks.delete(check);
          if (error) reject(error);
          else resolve();
        };
        checks.add(check);
        check();
      });
    },
    close() {
      if (state === "open") state = "closed";
      subscription.unsubscribe();
      notify();
    },
  };
}

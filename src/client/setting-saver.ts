import type { SettingKey, SettingView } from "@/domain/settings/schema";
import { errorCode, isClientError } from "./trpc";

/** What the trader asked for: a new value, back to the default, or an earlier version's value. */
export type Intent =
  | { kind: "set"; value: unknown }
  | { kind: "reset"; value: unknown }
  | { kind: "revert"; toVersion: number; value: unknown };

export type SaveState =
  | { phase: "idle" }
  | { phase: "saving" }
  | { phase: "saved"; version: number }
  | { phase: "error"; message: string }
  | { phase: "conflict" }
  | { phase: "kept-theirs" };

export interface SaverSnapshot {
  state: SaveState;
  /** The value being saved, shown in place of the stored one until the save settles. */
  pending: Intent | null;
}

export interface Conflict {
  key: SettingKey;
  mine: Intent;
  theirs: SettingView | null;
}

export interface SaverDeps {
  send(key: SettingKey, intent: Intent, expectedVersion: number, requestId: string): Promise<SettingView>;
  merge(view: SettingView): void;
  onConflict(conflict: Conflict): void;
}

const TRANSIENT = new Set(["SERVICE_UNAVAILABLE", "TIMEOUT", "INTERNAL_SERVER_ERROR"]);
/**
 * No answer (or a draining server's SERVICE_UNAVAILABLE) is retried for about
 * 16 s in all: long enough to ride out a server process restarting (crash,
 * deploy), so the trader's save lands instead of failing. Safe because every
 * attempt carries the same request id. A server that answered with an error
 * gets the first two delays only.
 */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];
const ANSWERED_ERROR_RETRIES = 2;

/**
 * Saves of one key from one tab. Every save carries the version its edit
 * started from (`expectedVersion`), so a save never overwrites a change it
 * did not see: the server answers CONFLICT and the trader chooses.
 *
 * Saves of the same key are serialized: an edit made while a save is in flight
 * builds on that save, so it goes next with the version the first one got
 * (only the latest waiting edit is kept). Failed network attempts are retried
 * with the same request id, which the server deduplicates.
 */
export class KeySaver {
  readonly #key: SettingKey;
  readonly #deps: SaverDeps;
  #snapshot: SaverSnapshot = { state: { phase: "idle" }, pending: null };
  #inFlight = false;
  #queued: Intent | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(key: SettingKey, deps: SaverDeps) {
    this.#key = key;
    this.#deps = deps;
  }

  snapshot = (): SaverSnapshot => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  save(intent: Intent, baseVersion: number): void {
    if (this.#inFlight) {
      this.#queued = intent;
      this.#set({ state: { phase: "saving" }, pending: intent });
      return;
    }
    void this.#run(intent, baseVersion);
  }

  /** The trader kept the newer value after a conflict. */
  keepTheirs(): void {
    if (this.#snapshot.state.phase === "conflict") this.#set({ state: { phase: "kept-theirs" }, pending: null });
  }

  async #run(intent: Intent, expectedVersion: number): Promise<void> {
    this.#inFlight = true;
    this.#set({ state: { phase: "saving" }, pending: intent });
    const requestId = newRequestId();
    try {
      const view = await this.#sendWithRetry(intent, expectedVersion, requestId);
      this.#deps.merge(view);
      const next = this.#queued;
      this.#queued = null;
      this.#inFlight = false;
      if (next) return void this.#run(next, view.version);
      this.#set({ state: { phase: "saved", version: view.version }, pending: null });
    } catch (error) {
      const latest = this.#queued ?? intent;
      this.#queued = null;
      this.#inFlight = false;
      if (errorCode(error) === "CONFLICT") {
        const theirs = conflictCurrent(error);
        if (theirs) this.#deps.merge(theirs);
        this.#set({ state: { phase: "conflict" }, pending: null });
        this.#deps.onConflict({ key: this.#key, mine: latest, theirs });
        return;
      }
      this.#set({ state: { phase: "error", message: errorMessage(error) }, pending: null });
    }
  }

  #sendWithRetry(intent: Intent, expectedVersion: number, requestId: string): Promise<SettingView> {
    return retryTransient(() => this.#deps.send(this.#key, intent, expectedVersion, requestId));
  }

  #set(snapshot: SaverSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of [...this.#listeners]) listener();
  }
}

/**
 * Runs `send` again after a network failure or a transient server error. The
 * caller keeps the request id the same across attempts, so the server applies
 * the change at most once.
 */
export async function retryTransient<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const code = errorCode(error);
      const unanswered = code === undefined ? !isClientError(error) || !error.data : code === "SERVICE_UNAVAILABLE";
      const transient = unanswered || (code !== undefined && TRANSIENT.has(code));
      const limit = unanswered ? RETRY_DELAYS_MS.length : ANSWERED_ERROR_RETRIES;
      if (!transient || attempt >= limit) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
    }
  }
}

function conflictCurrent(error: unknown): SettingView | null {
  if (!isClientError(error)) return null;
  const details = (error.data as { details?: { current?: SettingView } } | undefined)?.details;
  return details?.current ?? null;
}

export function errorMessage(error: unknown): string {
  if (isClientError(error)) {
    const fieldErrors = (error.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors;
    if (fieldErrors) return Object.values(fieldErrors).flat().join("; ");
    if (!error.data) return "Could not reach the server. Check your connection and try again.";
    return error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong";
}

export function newRequestId(): string {
  // randomUUID needs a secure context; getRandomValues does not.
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

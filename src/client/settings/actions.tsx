"use client";

import { createContext, useContext, useState, useSyncExternalStore, type ReactNode } from "react";
import type { SetSettingInput, SettingKey, SettingView } from "@/domain/settings/schema";
import { newRequestId, retryTransient } from "../live/send";
import { errorCode, errorMessage, isClientError, trpc, type AppClient } from "../live/trpc";
import { useSettingsStore } from "./live";
import type { SettingsStore } from "./store";

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

function conflictCurrent(error: unknown): SettingView | null {
  if (!isClientError(error)) return null;
  const details = (error.data as { details?: { current?: SettingView } } | undefined)?.details;
  return details?.current ?? null;
}

/** The page's savers (one per key) and the conflicts waiting for the trader's choice. */
class SettingsActions {
  readonly #client: AppClient;
  readonly #store: SettingsStore;
  readonly #savers = new Map<SettingKey, KeySaver>();
  #conflicts: Conflict[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(client: AppClient, store: SettingsStore) {
    this.#client = client;
    this.#store = store;
  }

  saver(key: SettingKey): KeySaver {
    let saver = this.#savers.get(key);
    if (!saver) {
      saver = new KeySaver(key, {
        send: (k, intent, expectedVersion, requestId) => this.#send(k, intent, expectedVersion, requestId),
        merge: (view) => this.#store.merge(view.key, view),
        onConflict: (conflict) => this.#setConflicts([...this.#conflicts.filter((c) => c.key !== conflict.key), conflict]),
      });
      this.#savers.set(key, saver);
    }
    return saver;
  }

  /** Saves `intent`, expecting the key to still be at `baseVersion` (what the edit started from). */
  save(key: SettingKey, intent: Intent, baseVersion: number): void {
    this.saver(key).save(intent, baseVersion);
  }

  conflicts = (): Conflict[] => this.#conflicts;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  keepTheirs(key: SettingKey): void {
    this.#setConflicts(this.#conflicts.filter((c) => c.key !== key));
    this.saver(key).keepTheirs();
  }

  /** Re-sends the trader's change on top of the newer version they have now seen. */
  applyMine(key: SettingKey, seenVersion: number): void {
    const conflict = this.#conflicts.find((c) => c.key === key);
    this.#setConflicts(this.#conflicts.filter((c) => c.key !== key));
    if (conflict) this.save(key, conflict.mine, seenVersion);
  }

  #send(key: SettingKey, intent: Intent, expectedVersion: number, requestId: string) {
    const settings = this.#client.settings;
    switch (intent.kind) {
      case "set":
        return settings.set.mutate({ key, value: intent.value, expectedVersion, requestId } as SetSettingInput);
      case "reset":
        return settings.delete.mutate({ key, expectedVersion, requestId });
      case "revert":
        return settings.revert.mutate({ key, toVersion: intent.toVersion, expectedVersion, requestId });
    }
  }

  #setConflicts(conflicts: Conflict[]): void {
    this.#conflicts = conflicts;
    for (const listener of [...this.#listeners]) listener();
  }
}

const SettingsActionsContext = createContext<SettingsActions | null>(null);

export function SettingsActionsProvider({ children }: { children: ReactNode }) {
  const store = useSettingsStore();
  const utils = trpc.useUtils();
  const [actions] = useState(() => new SettingsActions(utils.client, store));
  return <SettingsActionsContext.Provider value={actions}>{children}</SettingsActionsContext.Provider>;
}

export function useSettingsActions(): SettingsActions {
  const actions = useContext(SettingsActionsContext);
  if (!actions) throw new Error("useSettingsActions outside SettingsActionsProvider");
  return actions;
}

export function useSaveState(key: SettingKey): SaverSnapshot {
  const saver = useSettingsActions().saver(key);
  return useSyncExternalStore(saver.subscribe, saver.snapshot, saver.snapshot);
}

export function useConflicts(): Conflict[] {
  const actions = useSettingsActions();
  return useSyncExternalStore(actions.subscribe, actions.conflicts, actions.conflicts);
}

"use client";

import { createContext, useContext, useState, useSyncExternalStore, type ReactNode } from "react";
import type { SetSettingInput, SettingKey } from "@/domain/settings/schema";
import { useLiveSettings } from "./live-settings";
import { KeySaver, type Conflict, type Intent, type SaverSnapshot } from "./setting-saver";
import type { SettingsStore } from "./settings-cache";
import { trpc, type AppClient } from "./trpc";

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
  const { store } = useLiveSettings();
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

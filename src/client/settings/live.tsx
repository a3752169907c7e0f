"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import type { SettingKey, SettingView } from "@/domain/settings/schema";
import { useLiveRegistration } from "../live/live-provider";
import type { LiveRegistration } from "../live/registry";
import { trpc } from "../live/trpc";
import { createSettingsStore, mergeViews, type SettingsStore } from "./store";

interface SettingsLive {
  store: SettingsStore;
  /** True once the store holds the settings (the first list has been merged). */
  loaded: boolean;
  loadError: string | null;
}

const SettingsLiveContext = createContext<SettingsLive | null>(null);

/**
 * Keeps the signed-in user's settings current in this tab: the list query
 * (every page: the appearance follows it) and `setting.*` events both merge
 * into one version-aware store, which is what the UI renders from.
 */
export function SettingsLive({ children }: { children: ReactNode }) {
  const [store] = useState(createSettingsStore);
  const utils = trpc.useUtils();
  const list = trpc.settings.list.useQuery(undefined, { refetchOnWindowFocus: true });

  useEffect(() => {
    if (list.data) mergeViews(store, list.data);
  }, [list.data, store]);

  useLiveRegistration(
    useMemo<LiveRegistration<"setting">>(
      () => ({
        entity: "setting",
        apply: (event) => void store.merge(event.payload.key, event.payload),
        refetch: () => void utils.settings.list.invalidate(),
      }),
      [store, utils],
    ),
  );

  const loaded = useSyncExternalStore(
    useCallback((listener: () => void) => store.subscribe(listener), [store]),
    () => store.snapshot().size > 0,
    () => false,
  );
  const loadError = list.error && !list.data ? list.error.message : null;
  return <SettingsLiveContext.Provider value={{ store, loaded, loadError }}>{children}</SettingsLiveContext.Provider>;
}

function useSettingsLive(): SettingsLive {
  const value = useContext(SettingsLiveContext);
  if (!value) throw new Error("used outside SettingsLive");
  return value;
}

export const useSettingsStore = (): SettingsStore => useSettingsLive().store;

export function useSettingsLoad(): { loaded: boolean; loadError: string | null } {
  const { loaded, loadError } = useSettingsLive();
  return { loaded, loadError };
}

/** One key's stored view, re-rendering only when that key moves forward. */
export function useSetting<K extends SettingKey>(key: K): SettingView<K> | undefined {
  const store = useSettingsStore();
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  return useSyncExternalStore(
    subscribe,
    () => store.get(key) as SettingView<K> | undefined,
    () => undefined,
  );
}

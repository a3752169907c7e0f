"use client";

import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import { useLiveRegistration } from "../live/live-provider";
import type { LiveRegistration } from "../live/registry";
import { trpc } from "../live/trpc";
import { applyProviderEvent, applyProviderSnapshot, createProvidersStore, type ProvidersState, type ProvidersStore } from "./store";

interface ProvidersLive {
  store: ProvidersStore;
  loadError: string | null;
}

const ProvidersLiveContext = createContext<ProvidersLive | null>(null);

/** The AI providers, fed by `providers.snapshot` (every page: the shell shows the active one) and by `provider.*` events. */
export function ProvidersLive({ children }: { children: ReactNode }) {
  const [store] = useState(createProvidersStore);
  const utils = trpc.useUtils();
  const snapshot = trpc.providers.snapshot.useQuery(undefined, { refetchOnWindowFocus: true });

  useEffect(() => {
    applyProviderSnapshot(store, snapshot.data);
  }, [snapshot.data, store]);

  useLiveRegistration(
    useMemo<LiveRegistration<"provider">>(
      () => ({
        entity: "provider",
        apply: (event) => void applyProviderEvent(store, event),
        refetch: () => void utils.providers.snapshot.invalidate(),
      }),
      [store, utils],
    ),
  );

  const loadError = snapshot.error && !snapshot.data ? snapshot.error.message : null;
  return <ProvidersLiveContext.Provider value={{ store, loadError }}>{children}</ProvidersLiveContext.Provider>;
}

function useProvidersLive(): ProvidersLive {
  const value = useContext(ProvidersLiveContext);
  if (!value) throw new Error("used outside ProvidersLive");
  return value;
}

/** The providers as of the newest commit this tab has seen (null until loaded). */
export function useProviders(): ProvidersState | null {
  const { store } = useProvidersLive();
  return useSyncExternalStore(store.subscribe, store.get, () => null);
}

export const useProvidersLoadError = (): string | null => useProvidersLive().loadError;

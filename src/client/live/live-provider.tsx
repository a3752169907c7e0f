"use client";

import { createContext, useCallback, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import type { ProfileView } from "@/domain/profile/schema";
import type { SettingKey, SettingView } from "@/domain/settings/schema";
import { createProfileStore, mergeProfile, PROFILE_KEY, type ProfileStore } from "./profile-cache";
import { applyProviderEvent, applyProviderSnapshot, createProvidersStore, type ProvidersState, type ProvidersStore } from "./providers-cache";
import { createSettingsStore, mergeViews, toSettingView, type SettingsStore } from "./settings-cache";
import { SharedStream, type StreamState } from "./shared-stream";
import { errorCode, trpc } from "./trpc";

/** The stream's "refetch everything" marker (src/domain/events/schema.ts). */
const RESYNC_EVENT_TYPE = "stream.resync";

interface LiveSettings {
  store: SettingsStore;
  /** The profile, fed by `profile.get` (on the profile page) and by profile events. */
  profileStore: ProfileStore;
  /** The AI providers, fed by `providers.snapshot` (every page: the shell shows the active one) and by provider events. */
  providersStore: ProvidersStore;
  providersError: string | null;
  stream: StreamState;
  /** True once the store holds the settings (the first list has been merged). */
  loaded: boolean;
  loadError: string | null;
}

const LiveSettingsContext = createContext<LiveSettings | null>(null);

/**
 * Keeps the signed-in user's settings current in this tab: the list query and
 * the shared event stream both merge into one version-aware store, which is
 * what the UI renders from.
 */
export function LiveSettingsProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const [store] = useState(createSettingsStore);
  const [profileStore] = useState(createProfileStore);
  const [providersStore] = useState(createProvidersStore);
  const utils = trpc.useUtils();
  const list = trpc.settings.list.useQuery(undefined, { refetchOnWindowFocus: true });
  const providers = trpc.providers.snapshot.useQuery(undefined, { refetchOnWindowFocus: true });
  const [stream, setStream] = useState<StreamState>({ status: "connecting", role: "follower" });

  useEffect(() => {
    if (list.data) mergeViews(store, list.data);
  }, [list.data, store]);

  useEffect(() => {
    applyProviderSnapshot(providersStore, providers.data);
  }, [providers.data, providersStore]);

  useEffect(() => {
    // Refetches only what is being shown (invalidate refetches active queries).
    const resync = () => {
      void utils.settings.list.invalidate();
      void utils.profile.get.invalidate();
      void utils.providers.snapshot.invalidate();
    };
    const shared = new SharedStream({
      scope: userId,
      connect(lastEventId, handlers) {
        const subscription = utils.client.stream.events.subscribe(lastEventId ? { lastEventId } : undefined, {
          onData: ({ id, data }) => handlers.event(id, data as unknown as { id: string; type: string }),
          onConnectionStateChange: (state) => {
            if (state.state === "pending") handlers.connection("open");
            else if (state.state === "connecting" && state.error) handlers.connection("retrying");
          },
          onError: (error) => {
            // Signed out elsewhere or session expired: the shell sends the tab to /sign-in.
            if (errorCode(error) === "UNAUTHORIZED") void utils.account.me.invalidate();
            handlers.failed(error);
          },
          onComplete: () => handlers.failed(new Error("stream ended")),
        });
        return () => subscription.unsubscribe();
      },
      onEvent(event) {
        if (event.type === RESYNC_EVENT_TYPE) {
          resync();
          return;
        }
        if (event.entity === "setting") {
          const view = toSettingView(event.payload);
          if (view) store.merge(view.key, view);
        } else if (event.entity === "profile") {
          mergeProfile(profileStore, (event.payload as { profile?: unknown } | undefined)?.profile);
        } else if (event.entity === "provider") {
          applyProviderEvent(providersStore, event);
        } else if (event.entity === "token") {
          void utils.account.tokens.list.invalidate();
        } else if (event.entity === "session") {
          void utils.account.sessions.list.invalidate();
        }
      },
      onResync: () => resync(),
      onState: (state) => {
        setStream(state);
        // A lost stream may mean a lost session (the SSE error does not say): the shell re-checks.
        if (state.status === "reconnecting") void utils.account.me.invalidate();
      },
    });
    shared.start();
    setStream(shared.state);
    return () => shared.stop();
  }, [userId, store, profileStore, providersStore, utils]);

  const loaded = useSyncExternalStore(
    useCallback((listener: () => void) => store.subscribe(listener), [store]),
    () => store.snapshot().size > 0,
    () => false,
  );
  const value: LiveSettings = {
    store,
    profileStore,
    providersStore,
    providersError: providers.error && !providers.data ? providers.error.message : null,
    stream,
    loaded,
    loadError: list.error && !list.data ? list.error.message : null,
  };
  return <LiveSettingsContext.Provider value={value}>{children}</LiveSettingsContext.Provider>;
}

export function useLiveSettings(): LiveSettings {
  const value = useContext(LiveSettingsContext);
  if (!value) throw new Error("useLiveSettings outside LiveSettingsProvider");
  return value;
}

/** One key's stored view, re-rendering only when that key moves forward. */
export function useSetting<K extends SettingKey>(key: K): SettingView<K> | undefined {
  const { store } = useLiveSettings();
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  return useSyncExternalStore(
    subscribe,
    () => store.get(key) as SettingView<K> | undefined,
    () => undefined,
  );
}

/** The stored profile (undefined until loaded), re-rendering when it moves forward. */
export function useStoredProfile(): ProfileView | undefined {
  const { profileStore } = useLiveSettings();
  const subscribe = useCallback((listener: () => void) => profileStore.subscribe(listener), [profileStore]);
  return useSyncExternalStore(
    subscribe,
    () => profileStore.get(PROFILE_KEY),
    () => undefined,
  );
}

/** The providers as of the newest commit this tab has seen (null until loaded). */
export function useProviders(): ProvidersState | null {
  const { providersStore } = useLiveSettings();
  return useSyncExternalStore(providersStore.subscribe, providersStore.get, () => null);
}

"use client";

import { createContext, useCallback, useContext, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import type { ProfileView } from "@/domain/profile/schema";
import { useLiveRegistration } from "../live/live-provider";
import type { LiveRegistration } from "../live/registry";
import { trpc } from "../live/trpc";
import { createProfileStore, mergeProfile, PROFILE_KEY, type ProfileStore } from "./store";

const ProfileStoreContext = createContext<ProfileStore | null>(null);

/** The profile, fed by `profile.get` (on the profile page) and by `profile.updated` events (every page). */
export function ProfileLive({ children }: { children: ReactNode }) {
  const [store] = useState(createProfileStore);
  const utils = trpc.useUtils();
  useLiveRegistration(
    useMemo<LiveRegistration<"profile">>(
      () => ({
        entity: "profile",
        apply: (event) => void mergeProfile(store, event.payload.profile),
        refetch: () => void utils.profile.get.invalidate(),
      }),
      [store, utils],
    ),
  );
  return <ProfileStoreContext.Provider value={store}>{children}</ProfileStoreContext.Provider>;
}

export function useProfileStore(): ProfileStore {
  const store = useContext(ProfileStoreContext);
  if (!store) throw new Error("used outside ProfileLive");
  return store;
}

/** The stored profile (undefined until loaded), re-rendering when it moves forward. */
export function useStoredProfile(): ProfileView | undefined {
  const store = useProfileStore();
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  return useSyncExternalStore(
    subscribe,
    () => store.get(PROFILE_KEY),
    () => undefined,
  );
}

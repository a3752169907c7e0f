import { profileViewSchema, type ProfileView } from "@/domain/profile/schema";
import { VersionedStore } from "../live/versioned-store";

/** The signed-in user's profile: one versioned entry, only ever moving forward. */
export const PROFILE_KEY = "profile";
export type ProfileStore = VersionedStore<typeof PROFILE_KEY, ProfileView>;

export function createProfileStore(): ProfileStore {
  return new VersionedStore<typeof PROFILE_KEY, ProfileView>();
}

/** A ProfileView from any source (query, save response, CONFLICT details, event payload), or null when it is not one. */
export function toProfileView(raw: unknown): ProfileView | null {
  const parsed = profileViewSchema.safeParse(raw);
  return parsed.success ? (parsed.data as ProfileView) : null;
}

export function mergeProfile(store: ProfileStore, raw: unknown): boolean {
  const view = toProfileView(raw);
  return view ? store.merge(PROFILE_KEY, view) : false;
}

import { PROFILE_FIELDS, type ProfileField, type ProfileView } from "@/domain/profile/schema";
import { VersionedStore } from "./versioned-store";

/** The signed-in user's profile: one versioned entry, only ever moving forward. */
export const PROFILE_KEY = "profile";
export type ProfileStore = VersionedStore<typeof PROFILE_KEY, ProfileView>;

export function createProfileStore(): ProfileStore {
  return new VersionedStore<typeof PROFILE_KEY, ProfileView>();
}

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === "string") {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

/**
 * A ProfileView from any source (query, save response, CONFLICT details,
 * stream payload). Stream payloads went through the event log's JSON, so dates
 * may arrive as strings; anything not shaped like a view is dropped.
 */
export function toProfileView(raw: unknown): ProfileView | null {
  if (!raw || typeof raw !== "object") return null;
  const view = raw as Record<string, unknown>;
  if (typeof view.version !== "number") return null;
  const values = {} as Record<ProfileField, string | null>;
  for (const field of PROFILE_FIELDS) {
    const value = view[field];
    if (value !== null && value !== undefined && typeof value !== "string") return null;
    values[field] = (value as string | null | undefined) ?? null;
  }
  const rawChanged = (view.changedAt ?? {}) as Record<string, unknown>;
  const changedAt = Object.fromEntries(PROFILE_FIELDS.map((field) => [field, toDate(rawChanged[field])])) as ProfileView["changedAt"];
  return { ...(values as Pick<ProfileView, ProfileField>), version: view.version, changedAt, updatedAt: toDate(view.updatedAt) } as ProfileView;
}

export function mergeProfile(store: ProfileStore, raw: unknown): boolean {
  const view = toProfileView(raw);
  return view ? store.merge(PROFILE_KEY, view) : false;
}

import { SETTING_KEYS, type SettingKey, type SettingView } from "@/domain/settings/schema";
import { VersionedStore } from "./versioned-store";

/** Settings as the UI shows them: one versioned entry per key, only ever moving forward. */
export type SettingsStore = VersionedStore<SettingKey, SettingView>;

export function createSettingsStore(): SettingsStore {
  return new VersionedStore<SettingKey, SettingView>();
}

const keys = new Set<string>(SETTING_KEYS);

/**
 * A SettingView from any source. Stream payloads went through the event log's
 * JSON, so `updatedAt` may arrive as a string; anything not shaped like a view
 * is dropped rather than merged.
 */
export function toSettingView(raw: unknown): SettingView | null {
  if (!raw || typeof raw !== "object") return null;
  const view = raw as Partial<SettingView> & { updatedAt?: unknown };
  if (typeof view.key !== "string" || !keys.has(view.key) || typeof view.version !== "number") return null;
  const updatedAt =
    view.updatedAt instanceof Date ? view.updatedAt : typeof view.updatedAt === "string" ? new Date(view.updatedAt) : null;
  return { ...(view as SettingView), isDefault: Boolean(view.isDefault), updatedAt };
}

export function mergeViews(store: SettingsStore, raws: readonly unknown[]): void {
  const views = raws.map(toSettingView).filter((view): view is SettingView => view !== null);
  store.mergeMany(views.map((view) => [view.key, view] as const));
}

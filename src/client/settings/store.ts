import { settingViewSchema, type SettingKey, type SettingView } from "@/domain/settings/schema";
import { VersionedStore } from "../live/versioned-store";

/** Settings as the UI shows them: one versioned entry per key, only ever moving forward. */
export type SettingsStore = VersionedStore<SettingKey, SettingView>;

export function createSettingsStore(): SettingsStore {
  return new VersionedStore<SettingKey, SettingView>();
}

/** A SettingView from any source (query, save response, event payload), or null when it is not one. */
export function toSettingView(raw: unknown): SettingView | null {
  const parsed = settingViewSchema.safeParse(raw);
  return parsed.success ? (parsed.data as SettingView) : null;
}

export function mergeViews(store: SettingsStore, raws: readonly unknown[]): void {
  const views = raws.map(toSettingView).filter((view): view is SettingView => view !== null);
  store.mergeMany(views.map((view) => [view.key, view] as const));
}

"use client";

import { SettingsActionsProvider } from "../actions";
import { useSettingsLoad } from "../live";
import { settingSections } from "../meta";
import { ConflictDialog } from "./conflict-dialog";
import { SettingRow } from "./setting-row";

export function SettingsPage() {
  const { loaded, loadError } = useSettingsLoad();
  return (
    <SettingsActionsProvider>
      <div className="page-header">
        <h1>Settings</h1>
        <p className="muted">Changes save as you make them and appear at once in every open tab and API client.</p>
      </div>
      {loadError && <div className="notice notice-error">Could not load your settings: {loadError}</div>}
      {!loaded && !loadError && (
        <div className="card skeleton" aria-busy="true">
          Loading settings…
        </div>
      )}
      {loaded &&
        settingSections.map((section) => (
          <section className="card" key={section.title} aria-labelledby={`section-${section.keys[0]}`}>
            <h2 className="card-title" id={`section-${section.keys[0]}`}>{section.title}</h2>
            {section.keys.map((key) => <SettingRow key={key} settingKey={key} />)}
          </section>
        ))}
      <ConflictDialog />
    </SettingsActionsProvider>
  );
}

"use client";

import { useState, type ReactNode } from "react";
import type { SettingKey, SettingView } from "@/domain/settings/schema";
import { formatDateTime } from "../../ui/format-time";
import { useSaveState, useSettingsActions } from "../actions";
import { useSetting } from "../live";
import { defaultValue, settingMeta } from "../meta";
import { CooldownControl } from "./cooldown-control";
import { EnumControl } from "./enum-control";
import { SaveStatus } from "./save-status";
import { SettingHistory } from "./setting-history";
import { TimeZoneControl } from "./time-zone-control";
import { WatchlistControl } from "./watchlist-control";

function controlFor(key: SettingKey, view: SettingView): ReactNode {
  switch (key) {
    case "displayTimeZone":
      return <TimeZoneControl view={view} />;
    case "watchlist":
      return <WatchlistControl view={view} />;
    case "alertCooldownSeconds":
      return <CooldownControl view={view} />;
    default:
      return <EnumControl settingKey={key} view={view} />;
  }
}

/** One setting: label, control, version and save state, history. */
export function SettingRow({ settingKey }: { settingKey: SettingKey }) {
  const view = useSetting(settingKey);
  const zone = useSetting("displayTimeZone")?.value;
  const actions = useSettingsActions();
  const { pending } = useSaveState(settingKey);
  const [historyOpen, setHistoryOpen] = useState(false);
  const meta = settingMeta[settingKey];
  if (!view) return null;
  const shown = pending ? pending.value : view.value;

  return (
    <div
      className="setting"
      data-testid={`setting-${settingKey}`}
      data-version={view.version}
      data-value={JSON.stringify(shown)}
      data-stored-value={JSON.stringify(view.value)}
    >
      <div className="setting-main">
        <div className="setting-info">
          <h3 className="setting-label">{meta.label}</h3>
          <p className="setting-description">{meta.description}</p>
          <p className="setting-meta">
            <span className="version" data-testid={`setting-${settingKey}-version`} title="Version of this setting">
              v{view.version}
            </span>
            <span className="muted">
              {view.isDefault ? (view.version === 0 ? "default" : "default (reset)") : `updated ${formatDateTime(view.updatedAt, zone)}`}
            </span>
            <SaveStatus settingKey={settingKey} />
          </p>
        </div>
        <div className="setting-control">{controlFor(settingKey, view)}</div>
      </div>
      <div className="setting-actions">
        <button
          className="link-button"
          onClick={() => setHistoryOpen((open) => !open)}
          aria-expanded={historyOpen}
          data-testid={`history-toggle-${settingKey}`}
        >
          {historyOpen ? "Hide history" : "History"}
        </button>
        <button
          className="link-button"
          disabled={view.isDefault && !pending}
          onClick={() => actions.save(settingKey, { kind: "reset", value: defaultValue(settingKey) }, view.version)}
          data-testid={`reset-${settingKey}`}
        >
          Reset to default
        </button>
      </div>
      {historyOpen && <SettingHistory settingKey={settingKey} view={view} />}
    </div>
  );
}

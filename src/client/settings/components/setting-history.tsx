"use client";

import { useEffect, useRef } from "react";
import type { SettingKey, SettingView } from "@/domain/settings/schema";
import { trpc } from "../../live/trpc";
import { formatDateTime } from "../../ui/format-time";
import { useSettingsActions } from "../actions";
import { useSetting } from "../live";
import { formatValue } from "../meta";

const ACTION_LABEL = { set: "Set", delete: "Reset", revert: "Reverted" } as const;

/** The key's versions, newest first, each revertible; refreshed whenever a new version arrives. */
export function SettingHistory({ settingKey, view }: { settingKey: SettingKey; view: SettingView }) {
  const actions = useSettingsActions();
  const zone = useSetting("displayTimeZone")?.value;
  const history = trpc.settings.history.useQuery({ key: settingKey });
  const { refetch } = history;
  const shownVersion = useRef(view.version);
  useEffect(() => {
    if (shownVersion.current === view.version) return;
    shownVersion.current = view.version;
    void refetch();
  }, [view.version, refetch]);

  return (
    <div className="history" data-testid={`history-${settingKey}`}>
      {history.isPending && <p className="muted">Loading history…</p>}
      {history.error && <p className="field-error">Could not load the history: {history.error.message}</p>}
      {history.data && history.data.length === 0 && <p className="muted">Never changed: the default is in use.</p>}
      {history.data && history.data.length > 0 && (
        <table className="history-table">
          <thead>
            <tr>
              <th>Version</th>
              <th>Value</th>
              <th>Change</th>
              <th>When</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {history.data.map((row) => {
              const current = row.version === view.version;
              return (
                <tr key={row.version} data-testid={`history-${settingKey}-v${row.version}`} className={current ? "current" : undefined}>
                  <td className="mono">v{row.version}</td>
                  <td>
                    {formatValue(settingKey, row.value)}
                    {row.isDefault && <span className="badge">default</span>}
                  </td>
                  <td>{ACTION_LABEL[row.action] ?? row.action}</td>
                  <td className="muted">{formatDateTime(row.createdAt, zone)}</td>
                  <td className="right">
                    {current ? (
                      <span className="badge badge-current">current</span>
                    ) : (
                      <button
                        className="button button-small"
                        onClick={() => actions.save(settingKey, { kind: "revert", toVersion: row.version, value: row.value }, view.version)}
                        data-testid={`revert-${settingKey}-v${row.version}`}
                      >
                        Revert to this
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

"use client";

import Link from "next/link";
import { useCallback, useState, type ReactNode } from "react";
import { useLatestPrices } from "../../prices/live";
import { LivePrice } from "../../prices/components/live-price";
import { PricesStatus } from "../../prices/components/prices-status";
import { useSetting } from "../../settings/live";
import { formatPrice, formatSeconds } from "../../ui/format-number";
import { formatAgo, formatRelative, useNow } from "../../ui/relative-time";
import { formatFullDateTime } from "../../ui/zoned-time";
import { useEditSessions } from "../form";
import { useAlert, useAlertsLoad, useAlertsStore, useFirings, useSeeFiringsWhileShown } from "../live";
import { CONDITION_HINTS, describeCondition, MODE_HINTS, MODE_LABELS } from "../meta";
import { AlertChart } from "./alert-chart";
import { Distance, StateBadge } from "./alert-bits";
import { AlertEditForm } from "./alert-edit-form";
import { AlertStateActions } from "./alert-row";
import { DeleteAlertDialog } from "./delete-alert-dialog";
import { FiringHistory } from "./firing-history";

/** One alert: its live numbers, the price chart with its threshold and firings, its edit form and its firing history. */
export function AlertDetailPage({ id }: { id: string }) {
  const alert = useAlert(id);
  const store = useAlertsStore();
  const { loaded, loadError } = useAlertsLoad();
  const zone = useSetting("displayTimeZone")?.value as string | undefined;
  const edits = useEditSessions(zone);
  const now = useNow(1_000);
  const firings = useFirings().filter((firing) => firing.alertId === id);
  const [deleting, setDeleting] = useState(false);
  const closeDelete = useCallback(() => setDeleting(false), []);
  useLatestPrices(alert ? [alert.ticker] : []);
  useSeeFiringsWhileShown();
  const session = edits.sessions[id];

  if (!alert) {
    return (
      <div className="page-wide">
        <div className="page-header">
          <Link href="/alerts" className="back-link">← Alerts</Link>
          <h1>Alert</h1>
        </div>
        {session ? (
          <AlertEditForm id={id} live={undefined} session={session} edits={edits} />
        ) : loadError && !loaded ? (
          <div className="notice notice-error">Could not load your alerts: {loadError}</div>
        ) : !loaded ? (
          <div className="card skeleton" aria-busy="true">Loading…</div>
        ) : (
          <div className="card card-empty" data-testid="alert-missing">
            {store.isDeleted(id) ? "This alert was deleted." : "There is no such alert."} <Link href="/alerts">Back to your alerts</Link>
          </div>
        )}
      </div>
    );
  }

  return (
    <div className="page-wide" data-testid="alert-detail" data-state={alert.state} data-version={alert.version}>
      <div className="page-header page-header-row">
        <div>
          <Link href="/alerts" className="back-link">← Alerts</Link>
          <h1 className="alert-title">
            <span className="mono">{alert.ticker}</span> {describeCondition(alert.condition, alert.threshold)} <StateBadge alert={alert} testId="alert-detail-state" />
          </h1>
          <p className="muted">
            {CONDITION_HINTS[alert.condition]} {MODE_HINTS[alert.mode]}
            {alert.note ? ` Note: “${alert.note}”.` : ""}
          </p>
        </div>
        <div className="header-actions">
          <PricesStatus />
          <button type="button" className="button" disabled={Boolean(session)} onClick={() => edits.begin(alert)} data-testid={`alert-edit-button-${id}`}>
            Edit
          </button>
          <AlertStateActions alert={alert} size="normal" />
          <button type="button" className="button button-danger" onClick={() => setDeleting(true)} data-testid={`alert-delete-${id}`}>
            Delete
          </button>
        </div>
      </div>

      {session && (
        <section className="card card-pad">
          <AlertEditForm id={id} live={alert} session={session} edits={edits} />
        </section>
      )}

      <div className="stat-grid">
        <Stat label="Last price">
          <LivePrice ticker={alert.ticker} testId="alert-detail-last" />
        </Stat>
        <Stat label="To threshold">
          <Distance alert={alert} testId="alert-detail-distance" />
        </Stat>
        <Stat label="Threshold">{formatPrice(alert.threshold)}</Stat>
        <Stat label="Mode">
          {MODE_LABELS[alert.mode]} <span className="muted">· {alert.cooldownSeconds > 0 ? `${formatSeconds(alert.cooldownSeconds)} cooldown` : "no cooldown"}</span>
        </Stat>
        <Stat label="Expires">
          {alert.expiresAt ? <span title={formatFullDateTime(alert.expiresAt, zone)}>{formatRelative(alert.expiresAt, now)}</span> : <span className="muted">never</span>}
        </Stat>
        <Stat label="Fired">
          <span data-testid="alert-detail-fire-count">{alert.fireCount}×</span>
          {alert.triggeredPrice !== null && alert.triggeredAt && (
            <span className="muted"> · last {formatPrice(alert.triggeredPrice)}, {formatAgo(alert.triggeredAt, now)}</span>
          )}
        </Stat>
      </div>
      {alert.stateReason && alert.state !== "armed" && <p className="notice notice-warn" data-testid="alert-state-reason">{alert.stateReason}</p>}

      <section className="card" aria-labelledby="alert-chart-title">
        <h2 className="card-title card-title-row" id="alert-chart-title">
          <span>{alert.ticker} · last ticks</span>
          <span className="card-title-meta">dashed line: threshold · arrows: firings</span>
        </h2>
        <AlertChart alert={alert} firings={firings} zone={zone} />
      </section>

      <section className="card" aria-labelledby="alert-firings-title">
        <h2 className="card-title" id="alert-firings-title">Firing history</h2>
        <FiringHistory alertId={id} />
      </section>
      {deleting && <DeleteAlertDialog seen={alert} live={alert} onClose={closeDelete} />}
    </div>
  );
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{children}</div>
    </div>
  );
}

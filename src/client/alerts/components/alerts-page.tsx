"use client";

import { Fragment, useCallback, useState } from "react";
import type { AlertView } from "@/domain/alerts/schema";
import { PricesStatus } from "../../prices/components/prices-status";
import { useLatestPrices } from "../../prices/live";
import { useSetting } from "../../settings/live";
import { useEditSessions } from "../form";
import { useAlerts, useAlertsLoad, useSeeFiringsWhileShown } from "../live";
import { AlertEditForm } from "./alert-edit-form";
import { AlertForm } from "./alert-form";
import { AlertRow } from "./alert-row";
import { DeleteAlertDialog } from "./delete-alert-dialog";
import { FiringHistory } from "./firing-history";

export function AlertsPage() {
  const alerts = useAlerts();
  const { loaded, loadError } = useAlertsLoad();
  const zone = useSetting("displayTimeZone")?.value as string | undefined;
  const edits = useEditSessions(zone);
  const [deleting, setDeleting] = useState<AlertView | null>(null);
  const closeDelete = useCallback(() => setDeleting(null), []);
  useLatestPrices(alerts.map((alert) => alert.ticker));
  useSeeFiringsWhileShown();

  const byId = new Map(alerts.map((alert) => [alert.id, alert]));
  const orphans = Object.entries(edits.sessions).filter(([id]) => !byId.has(id));
  const armed = alerts.filter((alert) => alert.state === "armed").length;
  const triggered = alerts.filter((alert) => alert.state === "triggered").length;

  return (
    <div className="page-wide">
      <div className="page-header page-header-row">
        <div>
          <h1>Alerts</h1>
          <p className="muted">
            Each arming fires exactly once, on the tick that meets it; the toast and the sound reach every open tab. Prices and states update live.
          </p>
        </div>
        <PricesStatus />
      </div>
      <AlertForm />
      {loadError && !loaded && <div className="notice notice-error">Could not load your alerts: {loadError}</div>}
      {!loaded && !loadError && (
        <div className="card skeleton" aria-busy="true">
          Loading alerts…
        </div>
      )}
      {loaded && (
        <section className="card" aria-labelledby="alerts-title">
          <h2 className="card-title card-title-row" id="alerts-title">
            <span>Your alerts</span>
            <span className="card-title-meta" data-testid="alerts-summary">
              {alerts.length} in all · {armed} armed · {triggered} triggered
            </span>
          </h2>
          {orphans.map(([id, session]) => (
            <AlertEditForm key={id} id={id} live={undefined} session={session} edits={edits} />
          ))}
          {alerts.length === 0 ? (
            <p className="card-empty muted" data-testid="alerts-empty">
              No alerts yet. Create one above: pick a ticker, a condition and a threshold.
            </p>
          ) : (
            <div className="table-scroll">
              <table className="data-table alerts-table" data-testid="alerts-table">
                <thead>
                  <tr>
                    <th>Ticker</th>
                    <th>Condition</th>
                    <th className="num">Last</th>
                    <th className="num">To threshold</th>
                    <th>State</th>
                    <th>Mode</th>
                    <th>Expires</th>
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {alerts.map((alert) => {
                    const session = edits.sessions[alert.id];
                    return (
                      <Fragment key={alert.id}>
                        <AlertRow alert={alert} editing={Boolean(session)} edits={edits} onDelete={setDeleting} zone={zone} />
                        {session && (
                          <tr className="alert-edit-row">
                            <td colSpan={8}>
                              <AlertEditForm id={alert.id} live={alert} session={session} edits={edits} />
                            </td>
                          </tr>
                        )}
                      </Fragment>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      <section className="card" aria-labelledby="firings-title">
        <h2 className="card-title" id="firings-title">Firing history</h2>
        <FiringHistory />
      </section>
      {deleting && <DeleteAlertDialog seen={deleting} live={byId.get(deleting.id)} onClose={closeDelete} />}
    </div>
  );
}

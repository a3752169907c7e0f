"use client";

import Link from "next/link";
import { Distance, StateBadge } from "../../alerts/components/alert-bits";
import { useAlerts } from "../../alerts/live";
import { describeCondition } from "../../alerts/meta";
import { closestToTriggering } from "../../alerts/store";
import { LivePrice } from "../../prices/components/live-price";
import { useLatestPrices, usePrices } from "../../prices/live";

/** The armed alerts whose price is nearest their threshold, in percent. */
export function ClosestAlertsCard() {
  const alerts = useAlerts();
  const prices = usePrices();
  useLatestPrices(alerts.filter((alert) => alert.state === "armed").map((alert) => alert.ticker));
  const rows = closestToTriggering(alerts, (ticker) => prices.get(ticker)?.price, 6);
  const armed = alerts.filter((alert) => alert.state === "armed").length;

  return (
    <section className="card" aria-labelledby="closest-title">
      <h2 className="card-title card-title-row" id="closest-title">
        <span>Closest to triggering</span>
        <Link href="/alerts" className="card-title-link">All alerts</Link>
      </h2>
      {rows.length === 0 ? (
        <p className="card-empty muted" data-testid="closest-empty">
          {armed === 0 ? (
            <>
              No armed alerts. <Link href="/alerts">Create one</Link>.
            </>
          ) : (
            "Waiting for prices of your armed alerts."
          )}
        </p>
      ) : (
        <table className="data-table" data-testid="closest-alerts">
          <tbody>
            {rows.map(({ alert }) => (
              <tr key={alert.id} data-testid={`closest-${alert.id}`}>
                <td>
                  <Link href={`/alerts/${alert.id}`} className="ticker-link mono">{alert.ticker}</Link>{" "}
                  <span className="muted">{describeCondition(alert.condition, alert.threshold)}</span>
                </td>
                <td className="num">
                  <LivePrice ticker={alert.ticker} />
                </td>
                <td className="num">
                  <Distance alert={alert} testId={`closest-distance-${alert.id}`} />
                </td>
                <td className="sr-only">
                  <StateBadge alert={alert} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

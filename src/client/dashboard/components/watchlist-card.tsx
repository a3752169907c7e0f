"use client";

import Link from "next/link";
import { LivePrice } from "../../prices/components/live-price";
import { Sparkline } from "../../prices/components/sparkline";
import { useLatestPrices, usePriceSeries } from "../../prices/live";
import { changeOver } from "../../prices/store";
import { useAlerts } from "../../alerts/live";
import { useSetting } from "../../settings/live";
import { formatSignedPercent, formatSignedPrice } from "../../ui/format-number";
import { formatAgo } from "../../ui/relative-time";
import { formatTimeOfDay } from "../../ui/zoned-time";

/** Ticks in each sparkline. */
const SPARK_TICKS = 120;

/** The watchlist with live prices, the change over the sparkline's ticks, and the sparkline itself. */
export function WatchlistCard({ now }: { now: number }) {
  const watchlist = (useSetting("watchlist")?.value as string[] | undefined) ?? null;
  const alerts = useAlerts();
  useLatestPrices(watchlist ?? []);
  const armedBy = new Map<string, number>();
  for (const alert of alerts) if (alert.state === "armed") armedBy.set(alert.ticker, (armedBy.get(alert.ticker) ?? 0) + 1);

  return (
    <section className="card" aria-labelledby="watchlist-title">
      <h2 className="card-title card-title-row" id="watchlist-title">
        <span>Watchlist</span>
        <Link href="/settings" className="card-title-link">Edit</Link>
      </h2>
      {watchlist === null ? (
        <p className="card-empty muted">Loading…</p>
      ) : watchlist.length === 0 ? (
        <p className="card-empty muted" data-testid="watchlist-empty">
          Your watchlist is empty. <Link href="/settings">Add tickers in Settings</Link> to follow their prices here.
        </p>
      ) : (
        <table className="data-table watch-table" data-testid="watchlist">
          <thead>
            <tr>
              <th>Ticker</th>
              <th className="num">Last</th>
              <th className="num">Change</th>
              <th>Last {SPARK_TICKS} ticks</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {watchlist.map((ticker) => (
              <WatchRow key={ticker} ticker={ticker} armed={armedBy.get(ticker) ?? 0} now={now} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function WatchRow({ ticker, armed, now }: { ticker: string; armed: number; now: number }) {
  const { points } = usePriceSeries(ticker, SPARK_TICKS);
  const zone = useSetting("displayTimeZone")?.value as string | undefined;
  const change = changeOver(points);
  const last = points.at(-1);
  const direction = change ? (change.delta > 0 ? "up" : change.delta < 0 ? "down" : "flat") : "flat";
  return (
    <tr data-testid={`watch-${ticker}`}>
      <td>
        <span className="mono ticker">{ticker}</span>
        {armed > 0 && (
          <Link href="/alerts" className="alert-count" title={`${armed} armed alert${armed === 1 ? "" : "s"}`}>
            {armed} alert{armed === 1 ? "" : "s"}
          </Link>
        )}
      </td>
      <td className="num price-cell">
        <LivePrice ticker={ticker} testId={`watch-price-${ticker}`} />
      </td>
      <td className={`num change change-${direction}`} data-testid={`watch-change-${ticker}`}>
        {change ? (
          <>
            {formatSignedPrice(change.delta)} <span className="change-pct">{formatSignedPercent(change.percent)}</span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <Sparkline points={points} label={`${ticker}, last ${points.length} ticks`} />
      </td>
      <td className="muted updated" title={last ? formatTimeOfDay(last.at, zone) : undefined}>
        {last ? formatAgo(last.at, now) : "no ticks yet"}
      </td>
    </tr>
  );
}

"use client";

import type { AlertView } from "@/domain/alerts/schema";
import { usePrice } from "../../prices/live";
import { formatSignedPercent, formatSignedPrice } from "../../ui/format-number";
import { STATE_LABELS } from "../meta";
import { distanceTo } from "../store";

/** The alert's state as a coloured badge; the reason (runaway guard, expiry, disabled by you) as its title. */
export function StateBadge({ alert, testId }: { alert: AlertView; testId?: string }) {
  return (
    <span className={`state-badge state-${alert.state}`} title={alert.stateReason ?? undefined} data-testid={testId} data-state={alert.state}>
      {STATE_LABELS[alert.state]}
    </span>
  );
}

/**
 * How far the last price is from the threshold: the move still needed (signed:
 * + up, − down) and that move in percent of the price; "at or past" when the
 * price is already on the firing side.
 */
export function Distance({ alert, testId }: { alert: AlertView; testId?: string }) {
  const tick = usePrice(alert.ticker);
  const distance = distanceTo(alert, tick?.price);
  if (!distance) return <span className="muted" data-testid={testId}>—</span>;
  const near = Math.abs(distance.percent) < 0.5;
  return (
    <span
      className={`distance${distance.atOrPast ? " distance-past" : near ? " distance-near" : ""}`}
      data-testid={testId}
      data-delta={distance.delta}
      title={distance.atOrPast ? "The price is at or past the threshold" : `The price must move ${formatSignedPrice(distance.delta)} to reach the threshold`}
    >
      <span className="distance-arrow" aria-hidden>{distance.delta > 0 ? "▲" : distance.delta < 0 ? "▼" : "•"}</span>
      <span className="distance-abs">{formatSignedPrice(distance.delta)}</span>
      <span className="distance-pct">{formatSignedPercent(distance.percent)}</span>
    </span>
  );
}

"use client";

import { useMemo } from "react";
import type { AlertView, FiringView } from "@/domain/alerts/schema";
import { PriceChart, type ChartLine, type ChartMarker } from "../../prices/components/price-chart";
import { usePriceSeries } from "../../prices/live";
import { formatPrice } from "../../ui/format-number";

const HISTORY_TICKS = 1000;

/** The alert's ticker over its last ticks, the threshold as a line, and a marker on every tick that fired it. */
export function AlertChart({ alert, firings, zone }: { alert: AlertView; firings: readonly FiringView[]; zone: string | undefined }) {
  const { points, loading, error } = usePriceSeries(alert.ticker, HISTORY_TICKS);
  const lines = useMemo<ChartLine[]>(() => [{ price: alert.threshold, title: `Alert ${formatPrice(alert.threshold)}`, tone: "warn" }], [alert.threshold]);
  const falling = alert.condition === "below" || alert.condition === "crossesDown";
  const markers = useMemo<ChartMarker[]>(
    () =>
      firings.map((firing) => ({
        seq: firing.tickSeq,
        text: `Fired ${formatPrice(firing.price)}`,
        position: falling ? "belowBar" : "aboveBar",
        shape: falling ? "arrowUp" : "arrowDown",
        tone: "danger",
      })),
    [firings, falling],
  );
  return (
    <div className="chart-wrap">
      <PriceChart points={points} lines={lines} markers={markers} zone={zone} height={340} label={`${alert.ticker} price with the alert threshold`} testId="alert-chart" />
      {points.length === 0 && (
        <div className="chart-empty muted">{loading ? "Loading prices…" : error ? `Could not load prices: ${error}` : `No ticks for ${alert.ticker} yet.`}</div>
      )}
    </div>
  );
}

"use client";

import { ColorType, createChart, LineSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";
import { useEffect, useRef } from "react";
import type { TickView } from "@/domain/prices/schema";
import { useChartColors } from "./chart-theme";

/**
 * A small line of a ticker's recent ticks (lightweight-charts, no axes, no
 * interaction). The horizontal axis is the tick sequence, so every tick is one
 * step whatever its time; green when the last is at or above the first.
 */
export function Sparkline({ points, label, width = 140, height = 36 }: { points: readonly TickView[]; label: string; width?: number; height?: number }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<{ api: IChartApi; series: ISeriesApi<"Line"> } | null>(null);
  const colors = useChartColors();

  useEffect(() => {
    if (!container.current) return;
    const api = createChart(container.current, {
      width,
      height,
      layout: { background: { type: ColorType.Solid, color: "transparent" }, attributionLogo: false },
      grid: { vertLines: { visible: false }, horzLines: { visible: false } },
      leftPriceScale: { visible: false },
      rightPriceScale: { visible: false, scaleMargins: { top: 0.12, bottom: 0.12 } },
      timeScale: { visible: false, borderVisible: false, fixLeftEdge: true, fixRightEdge: true },
      crosshair: { vertLine: { visible: false, labelVisible: false }, horzLine: { visible: false, labelVisible: false } },
      handleScroll: false,
      handleScale: false,
    });
    const series = api.addSeries(LineSeries, { lineWidth: 2, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false });
    chart.current = { api, series };
    return () => {
      chart.current = null;
      api.remove();
    };
  }, [width, height]);

  useEffect(() => {
    const current = chart.current;
    if (!current) return;
    current.series.setData(points.map((tick) => ({ time: tick.seq as UTCTimestamp, value: tick.price })));
    current.api.timeScale().fitContent();
    if (colors) {
      const rising = points.length < 2 || points.at(-1)!.price >= points[0]!.price;
      current.series.applyOptions({ color: points.length < 2 ? colors.muted : rising ? colors.ok : colors.danger });
    }
  }, [points, colors, width, height]);

  return <div ref={container} className="sparkline" style={{ width, height }} role="img" aria-label={label} data-points={points.length} />;
}

"use client";

import {
  ColorType,
  createChart,
  createSeriesMarkers,
  LineSeries,
  LineStyle,
  type AutoscaleInfo,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
  type UTCTimestamp,
} from "lightweight-charts";
import { useEffect, useRef } from "react";
import type { TickView } from "@/domain/prices/schema";
import { formatPrice } from "../../ui/format-number";
import { formatShortDateTime, formatTimeOfDay } from "../../ui/zoned-time";
import { useChartColors, type ChartColors } from "./chart-theme";

type Tone = "accent" | "ok" | "danger" | "warn";

/** A horizontal line at a price (an alert's threshold). */
export interface ChartLine {
  price: number;
  title: string;
  tone: Tone;
}

/** A mark on one tick (a firing). */
export interface ChartMarker {
  seq: number;
  text: string;
  position: "aboveBar" | "belowBar";
  shape: "arrowUp" | "arrowDown" | "circle";
  tone: Tone;
}

/**
 * A tick chart (lightweight-charts): one point per tick in sequence order —
 * the order the alerts are evaluated in — labelled with each tick's time in
 * the display zone; horizontal lines (kept in view by the autoscale) and
 * markers on given ticks. New ticks at the end are appended, not redrawn.
 */
export function PriceChart(props: {
  points: readonly TickView[];
  lines?: readonly ChartLine[];
  markers?: readonly ChartMarker[];
  zone: string | undefined;
  height?: number;
  label: string;
  testId?: string;
}) {
  const { points, lines = [], markers = [], zone, height = 320 } = props;
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<{ api: IChartApi; series: ISeriesApi<"Line">; markers: ISeriesMarkersPluginApi<Time> } | null>(null);
  const timeOf = useRef(new Map<number, Date>());
  const linePrices = useRef<number[]>([]);
  const zoneRef = useRef(zone);
  const shown = useRef<{ first: number; count: number } | null>(null);
  const priceLines = useRef<IPriceLine[]>([]);
  const colors = useChartColors();

  useEffect(() => {
    zoneRef.current = zone;
  }, [zone]);

  useEffect(() => {
    if (!container.current) return;
    const label = (time: Time) => {
      const at = timeOf.current.get(Number(time));
      return at ? formatTimeOfDay(at, zoneRef.current) : "";
    };
    const api = createChart(container.current, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: "transparent" }, fontSize: 11 },
      rightPriceScale: { borderVisible: false, scaleMargins: { top: 0.1, bottom: 0.1 } },
      timeScale: { borderVisible: false, tickMarkFormatter: label, rightOffset: 4 },
      localization: {
        priceFormatter: formatPrice,
        timeFormatter: (time: Time) => {
          const at = timeOf.current.get(Number(time));
          return at ? `${formatShortDateTime(at, zoneRef.current)} · #${Number(time)}` : `#${Number(time)}`;
        },
      },
    });
    const series = api.addSeries(LineSeries, {
      lineWidth: 2,
      priceLineVisible: false,
      // Keep the threshold lines in view, however far the price is from them.
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
        const info = original();
        if (!info?.priceRange || linePrices.current.length === 0) return info;
        return {
          ...info,
          priceRange: {
            minValue: Math.min(info.priceRange.minValue, ...linePrices.current),
            maxValue: Math.max(info.priceRange.maxValue, ...linePrices.current),
          },
        };
      },
    });
    chart.current = { api, series, markers: createSeriesMarkers(series, []) };
    shown.current = null;
    priceLines.current = [];
    return () => {
      chart.current = null;
      api.remove();
    };
  }, []);

  useEffect(() => {
    const current = chart.current;
    if (!current || !colors) return;
    current.api.applyOptions({
      layout: { textColor: colors.muted },
      grid: { vertLines: { visible: false }, horzLines: { color: colors.border } },
      crosshair: { vertLine: { labelBackgroundColor: colors.text }, horzLine: { labelBackgroundColor: colors.text } },
    });
    current.series.applyOptions({ color: colors.accent });
  }, [colors]);

  useEffect(() => {
    const current = chart.current;
    if (!current) return;
    for (const tick of points) timeOf.current.set(tick.seq, tick.at);
    const first = points[0]?.seq ?? 0;
    const previous = shown.current;
    if (previous && previous.first === first && points.length > previous.count) {
      for (const tick of points.slice(previous.count)) current.series.update({ time: tick.seq as UTCTimestamp, value: tick.price });
    } else {
      current.series.setData(points.map((tick) => ({ time: tick.seq as UTCTimestamp, value: tick.price })));
      if (points.length > 0) current.api.timeScale().fitContent();
    }
    shown.current = { first, count: points.length };
  }, [points]);

  useEffect(() => {
    const current = chart.current;
    if (!current || !colors) return;
    for (const line of priceLines.current) current.series.removePriceLine(line);
    linePrices.current = lines.map((line) => line.price);
    priceLines.current = lines.map((line) =>
      current.series.createPriceLine({
        price: line.price,
        title: line.title,
        color: toneColor(colors, line.tone),
        lineWidth: 2,
        lineStyle: LineStyle.Dashed,
        axisLabelVisible: true,
      }),
    );
  }, [lines, colors]);

  useEffect(() => {
    const current = chart.current;
    if (!current || !colors) return;
    const range = new Set(points.map((tick) => tick.seq));
    current.markers.setMarkers(
      markers
        .filter((marker) => range.has(marker.seq))
        .sort((a, b) => a.seq - b.seq)
        .map((marker) => ({
          time: marker.seq as UTCTimestamp,
          position: marker.position,
          shape: marker.shape,
          color: toneColor(colors, marker.tone),
          text: marker.text,
        })),
    );
  }, [markers, points, colors]);

  return (
    <div
      ref={container}
      className="price-chart"
      style={{ height }}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
      data-points={points.length}
      data-last-seq={points.at(-1)?.seq ?? ""}
      data-markers={markers.filter((marker) => points.some((tick) => tick.seq === marker.seq)).length}
    />
  );
}

function toneColor(colors: ChartColors, tone: Tone): string {
  return colors[tone];
}

"use client";

import { useEffect, useState } from "react";

/** The stylesheet's colours the charts use, read from the CSS variables of the current theme. */
export interface ChartColors {
  text: string;
  muted: string;
  border: string;
  accent: string;
  ok: string;
  danger: string;
  warn: string;
  surface: string;
}

export function readChartColors(): ChartColors {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(`--${name}`).trim() || fallback;
  return {
    text: read("text", "#161a22"),
    muted: read("muted", "#5d6676"),
    border: read("border", "#e1e4ea"),
    accent: read("accent", "#2557d6"),
    ok: read("ok", "#16794a"),
    danger: read("danger", "#b42318"),
    warn: read("warn", "#9a5b00"),
    surface: read("surface", "#ffffff"),
  };
}

/** The chart colours, read again when the theme changes (the setting, or the system's scheme under "system"). */
export function useChartColors(): ChartColors | null {
  const [colors, setColors] = useState<ChartColors | null>(null);
  useEffect(() => {
    const update = () => setColors(readChartColors());
    update();
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    const scheme = window.matchMedia?.("(prefers-color-scheme: dark)");
    scheme?.addEventListener("change", update);
    return () => {
      observer.disconnect();
      scheme?.removeEventListener("change", update);
    };
  }, []);
  return colors;
}

"use client";

import { useEffect, useState } from "react";

/** "in 3 min", "12 s ago", "just now": how far `date` is from `now`, in the largest whole unit. */
export function formatRelative(date: Date | null | undefined, now: number): string {
  if (!date) return "";
  const diff = date.getTime() - now;
  const abs = Math.abs(diff);
  if (abs < 1_000) return diff >= 0 ? "now" : "just now";
  const units: Array<[number, string]> = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1_000, "s"],
  ];
  const [size, unit] = units.find(([size]) => abs >= size)!;
  const amount = Math.floor(abs / size);
  return diff > 0 ? `in ${amount} ${unit}` : `${amount} ${unit} ago`;
}

/** How long ago `date` was; a time a little ahead of `now` (another clock, or `now` from the last re-render) is "just now". */
export function formatAgo(date: Date | null | undefined, now: number): string {
  if (!date) return "";
  return date.getTime() >= now - 1_000 ? "just now" : formatRelative(date, now);
}

/** The current time, re-rendering every `intervalMs` (for relative times). */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

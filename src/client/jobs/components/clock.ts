"use client";

import { useSyncExternalStore } from "react";

/**
 * One clock for every countdown on the page, ticking on whole seconds so all
 * of them change together (and none drifts between ticks).
 */
const wholeSecond = () => Math.floor(Date.now() / 1_000) * 1_000;
let now = wholeSecond();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | null = null;

function tick() {
  now = wholeSecond();
  for (const listener of [...listeners]) listener();
  timer = setTimeout(tick, 1_005 - (Date.now() % 1_000));
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) timer = setTimeout(tick, 1_005 - (Date.now() % 1_000));
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearTimeout(timer);
      timer = null;
    }
  };
}

// While nothing ticks, `now` may be old: read the clock (stable within its second).
const snapshot = () => (timer ? now : (now = wholeSecond()));

/** Milliseconds since the epoch, at the last whole second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

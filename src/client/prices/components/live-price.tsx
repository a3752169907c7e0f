"use client";

import { useEffect, useRef, useState } from "react";
import { formatPrice } from "../../ui/format-number";
import { usePrice } from "../live";

/**
 * A ticker's last price, live: it flashes green or red when a tick moves it.
 * `data-seq` and `data-price` carry the tick shown (tests read them).
 */
export function LivePrice({ ticker, testId }: { ticker: string; testId?: string }) {
  const tick = usePrice(ticker);
  const previous = useRef<{ seq: number; price: number } | null>(null);
  const [direction, setDirection] = useState<"up" | "down" | null>(null);

  useEffect(() => {
    if (!tick) return;
    const before = previous.current;
    if (before && tick.seq > before.seq) setDirection(tick.price > before.price ? "up" : tick.price < before.price ? "down" : null);
    previous.current = { seq: tick.seq, price: tick.price };
  }, [tick]);

  return (
    <span
      key={tick?.seq ?? 0}
      className={`live-price${direction ? ` live-price-${direction}` : ""}`}
      data-testid={testId}
      data-seq={tick?.seq ?? ""}
      data-price={tick?.price ?? ""}
      title={tick ? `tick #${tick.seq}` : "no price yet"}
    >
      {tick ? formatPrice(tick.price) : "—"}
    </span>
  );
}

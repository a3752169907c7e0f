"use client";

import { usePricesStreamState } from "../live";

const LABEL = { live: "Prices live", connecting: "Prices connecting…", reconnecting: "Prices reconnecting…" } as const;

/** Whether this tab receives live prices; the title says whether it holds the connection for all tabs. */
export function PricesStatus() {
  const stream = usePricesStreamState();
  const via =
    stream.role === "leader" ? "This tab holds the price connection for all tabs" :
    stream.role === "follower" ? "Prices relayed from another tab" :
    "This tab has its own price connection";
  return (
    <span
      className={`stream-status stream-${stream.status}`}
      data-testid="prices-status"
      data-status={stream.status}
      data-role={stream.role}
      title={via}
      role="status"
    >
      <span className="stream-dot" aria-hidden />
      {LABEL[stream.status]}
    </span>
  );
}

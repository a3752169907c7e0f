"use client";

import { useStreamState } from "../../live/live-provider";

const LABEL = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…" } as const;

/** The live-updates indicator: whether this tab receives changes as they happen. */
export function StreamStatus() {
  const stream = useStreamState();
  const via =
    stream.role === "leader" ? "This tab holds the live connection for all tabs" :
    stream.role === "follower" ? "Live updates relayed from another tab" :
    "This tab has its own live connection";
  return (
    <span
      className={`stream-status stream-${stream.status}`}
      data-testid="stream-status"
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

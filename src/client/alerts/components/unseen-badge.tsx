"use client";

import { useUnseenFirings } from "../live";

/** The nav's count of firings this browser has not seen on the Alerts page yet. */
export function UnseenFiringsBadge() {
  const unseen = useUnseenFirings();
  if (unseen === 0) return null;
  return (
    <span className="nav-badge" data-testid="unseen-firings" data-count={unseen} aria-label={`${unseen} unseen alert firing${unseen === 1 ? "" : "s"}`}>
      {unseen > 99 ? "99+" : unseen}
    </span>
  );
}

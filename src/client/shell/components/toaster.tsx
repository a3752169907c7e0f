"use client";

import { Toaster } from "sonner";
import { useSetting } from "../../settings/live";

/** The one toast outlet of the app (sonner), below the top bar, in the trader's theme. */
export function ShellToaster() {
  const theme = (useSetting("theme")?.value ?? "system") as "system" | "light" | "dark";
  return <Toaster theme={theme} position="top-right" offset={{ top: 68, right: 20 }} closeButton visibleToasts={6} containerAriaLabel="Notifications" />;
}

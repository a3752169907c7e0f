"use client";

import { Toaster } from "sonner";
import { useSetting } from "../../settings/live";

/** The one toast outlet of the app (sonner), bottom right, clear of the top bar and page actions, in the trader's theme. */
export function ShellToaster() {
  const theme = (useSetting("theme")?.value ?? "system") as "system" | "light" | "dark";
  return <Toaster theme={theme} position="bottom-right" closeButton visibleToasts={6} containerAriaLabel="Notifications" />;
}

"use client";

import { useEffect } from "react";
import { useSetting } from "../live";

export const APPEARANCE_CACHE_KEY = "vo-appearance";

/** Applies the theme and density settings to the document (and remembers them for the next first paint). */
export function AppearanceSync() {
  const theme = useSetting("theme")?.value;
  const density = useSetting("density")?.value;
  useEffect(() => {
    if (!theme || !density) return;
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.dataset.density = density;
    try {
      localStorage.setItem(APPEARANCE_CACHE_KEY, JSON.stringify({ theme, density }));
    } catch {
      // Storage unavailable (private mode): only the first paint is affected.
    }
  }, [theme, density]);
  return null;
}

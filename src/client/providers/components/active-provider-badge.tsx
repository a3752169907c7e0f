"use client";

import Link from "next/link";
import { useProviders } from "../live";
import { activeProvider } from "../store";

/** The shell's view of which AI provider is in use, live from the providers store. */
export function ActiveProviderBadge() {
  const state = useProviders();
  const active = activeProvider(state);
  const text = !state ? "AI: …" : active ? `AI: ${active.name} · ${active.model}` : "No AI provider";
  return (
    <Link
      href="/providers"
      className={`ai-badge${active ? " ai-badge-on" : ""}`}
      data-testid="active-provider"
      data-provider-id={active?.id ?? ""}
      data-loaded={state ? "true" : "false"}
      title="The AI provider in use. Change it on the Providers page."
    >
      {text}
    </Link>
  );
}

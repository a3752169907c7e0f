"use client";

import type { ComponentType, ReactNode } from "react";
import { AccountLive } from "../account/live";
import { AlertsLive } from "../alerts/live";
import { JobsLive } from "../jobs/live";
import { LiveProvider } from "../live/live-provider";
import { ProfileLive } from "../profile/live";
import { ProvidersLive } from "../providers/live";
import { SettingsLive } from "../settings/live";

/**
 * Every domain that follows the event stream. Each registers the entities it
 * owns from its own live.tsx; a new domain (jobs, alerts) adds its folder and
 * one line here, nothing else. An event no domain registers is reported in
 * development (src/client/live/registry.ts).
 */
const LIVE_DOMAINS: ReadonlyArray<ComponentType<{ children: ReactNode }>> = [
  SettingsLive,
  ProfileLive,
  ProvidersLive,
  AccountLive,
  JobsLive,
  AlertsLive,
];

/** The signed-in user's live state: the shared stream and every domain's store. */
export function AppLive({ userId, recheckSession, children }: { userId: string; recheckSession(): void; children: ReactNode }) {
  return (
    <LiveProvider userId={userId} recheckSession={recheckSession}>
      {LIVE_DOMAINS.reduceRight<ReactNode>((inner, Domain) => <Domain>{inner}</Domain>, children)}
    </LiveProvider>
  );
}

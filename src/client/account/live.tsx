"use client";

import { useMemo, type ReactNode } from "react";
import { useLiveRegistration } from "../live/live-provider";
import type { LiveRegistration } from "../live/registry";
import { trpc } from "../live/trpc";

/** Tokens and sessions are plain queries: their events (and a resync) refetch the lists being shown. */
export function AccountLive({ children }: { children: ReactNode }) {
  const utils = trpc.useUtils();
  const [tokens, sessions] = useMemo(() => {
    const refetchTokens = () => void utils.account.tokens.list.invalidate();
    const refetchSessions = () => void utils.account.sessions.list.invalidate();
    return [
      { entity: "token", apply: refetchTokens, refetch: refetchTokens } satisfies LiveRegistration<"token">,
      { entity: "session", apply: refetchSessions, refetch: refetchSessions } satisfies LiveRegistration<"session">,
    ] as const;
  }, [utils]);
  useLiveRegistration(tokens);
  useLiveRegistration(sessions);
  return children;
}

"use client";

import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { RESYNC_EVENT_TYPE } from "@/domain/events/schema";
import { LiveRegistry, type LiveRegistration } from "./registry";
import { SharedStream, type StreamState } from "./shared-stream";
import { errorCode, trpc } from "./trpc";

interface Live {
  registry: LiveRegistry;
  stream: StreamState;
}

const LiveContext = createContext<Live | null>(null);

/**
 * Holds this tab's end of the user's shared event stream and hands every event
 * to the registry. The domains register below it (their effects run before
 * this one opens the stream), so no event arrives before its registration.
 * `recheckSession` (stable) runs when the stream suggests the session may be gone.
 */
export function LiveProvider({ userId, recheckSession, children }: { userId: string; recheckSession(): void; children: ReactNode }) {
  const [registry] = useState(() => new LiveRegistry());
  const utils = trpc.useUtils();
  const [stream, setStream] = useState<StreamState>({ status: "connecting", role: "follower" });

  useEffect(() => {
    const shared = new SharedStream({
      scope: userId,
      connect(lastEventId, handlers) {
        const subscription = utils.client.stream.events.subscribe(lastEventId ? { lastEventId } : undefined, {
          onData: ({ id, data }) => handlers.event(id, data as unknown as { id: string; type: string }),
          onConnectionStateChange: (state) => {
            if (state.state === "pending") handlers.connection("open");
            else if (state.state === "connecting" && state.error) handlers.connection("retrying");
          },
          onError: (error) => {
            // Signed out elsewhere or session expired: the shell sends the tab to /sign-in.
            if (errorCode(error) === "UNAUTHORIZED") recheckSession();
            handlers.failed(error);
          },
          onComplete: () => handlers.failed(new Error("stream ended")),
        });
        return () => subscription.unsubscribe();
      },
      onEvent(event) {
        if (event.type === RESYNC_EVENT_TYPE) registry.refetchAll();
        else registry.dispatch(event);
      },
      onResync: () => registry.refetchAll(),
      onState: (state) => {
        setStream(state);
        // A lost stream may mean a lost session (the SSE error does not say).
        if (state.status === "reconnecting") recheckSession();
      },
    });
    shared.start();
    setStream(shared.state);
    return () => shared.stop();
  }, [userId, registry, utils, recheckSession]);

  return <LiveContext.Provider value={{ registry, stream }}>{children}</LiveContext.Provider>;
}

function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error("used outside LiveProvider");
  return live;
}

/** Registers a domain's part of the stream while mounted; pass a stable (memoized) registration. */
export function useLiveRegistration(registration: LiveRegistration): void {
  const { registry } = useLive();
  useEffect(() => registry.register(registration), [registry, registration]);
}

export function useStreamState(): StreamState {
  return useLive().stream;
}

"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { toast } from "sonner";
import type { AlertView, FiringView } from "@/domain/alerts/schema";
import { useLiveRegistration, useStreamState } from "../live/live-provider";
import type { LiveRegistration } from "../live/registry";
import { trpc } from "../live/trpc";
import { useSetting } from "../settings/live";
import { formatPrice } from "../ui/format-number";
import { playNotificationSound, type NotificationSound } from "../ui/notification-sound";
import { formatTimeOfDay } from "../ui/zoned-time";
import { describeFiring } from "./meta";
import { claimSound, createAlertsStore, SeenMark, toAlertView, toFiringView, unseenCount, type AlertsStore } from "./store";

interface AlertsLive {
  store: AlertsStore;
  loadError: string | null;
  /** This browser's "seen up to" mark for the user's firings. */
  seen: SeenMark;
}

const AlertsLiveContext = createContext<AlertsLive | null>(null);

const FIRINGS_HEAD = 50;
const storage = (): Storage | null => (typeof localStorage === "undefined" ? null : localStorage);

/**
 * The user's alerts and firings in this tab: `alerts.list` and the first page
 * of `alerts.firings`, then `alert.*` events, all merged into one version-aware
 * store. When an alert fires, every tab shows one toast for it (deduplicated by
 * firing id), the nav counts it until the trader visits the Alerts page, and
 * the notification sound plays once per browser: only in the tab that holds the
 * event stream (the others receive the event relayed), with a browser-wide
 * claim per firing for the moments the stream changes hands.
 */
export function AlertsLive({ children }: { children: ReactNode }) {
  const [store] = useState(createAlertsStore);
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const router = useRouter();
  const me = trpc.account.me.useQuery(undefined, { retry: false, staleTime: 60_000 });
  const userId = me.data?.id ?? null;
  const stream = useStreamState();
  const zone = useSetting("displayTimeZone")?.value as string | undefined;
  const sound = (useSetting("notificationSound")?.value ?? "chime") as NotificationSound;

  // Read by the registration at event time, without re-registering.
  const current = useRef({ role: stream.role, zone, sound });
  useEffect(() => {
    current.current = { role: stream.role, zone, sound };
  }, [stream.role, zone, sound]);
  const toasted = useRef(new Set<string>());

  const listKey = useMemo(() => ["alerts.list", userId], [userId]);
  const list = useQuery({
    queryKey: listKey,
    enabled: userId !== null,
    refetchOnWindowFocus: true,
    queryFn: async () => {
      // What the tab knew before asking: an alert missing from the answer was deleted only if it was known then.
      const requestedAt = store.stamp;
      const views = await utils.client.alerts.list.query();
      return { requestedAt, views };
    },
  });
  useEffect(() => {
    if (!list.data) return;
    const views = list.data.views.map(toAlertView).filter((view): view is AlertView => view !== null);
    store.applyList(views, list.data.requestedAt);
  }, [list.data, store]);

  const firings = trpc.alerts.firings.useQuery({ limit: FIRINGS_HEAD }, { enabled: userId !== null, refetchOnWindowFocus: true });
  useEffect(() => {
    if (firings.data) store.addFirings(firings.data.firings.map(toFiringView).filter((firing): firing is FiringView => firing !== null));
  }, [firings.data, store]);

  const announce = useCallback(
    (alert: AlertView, firing: FiringView) => {
      if (toasted.current.has(firing.id)) return;
      toasted.current.add(firing.id);
      const { role, zone, sound } = current.current;
      const mayPlay = role !== "follower";
      // After this task: the store's change (the row turning "triggered") renders first.
      setTimeout(() => {
        toast(
          <span data-testid="alert-toast" data-firing-id={firing.id} data-alert-id={alert.id}>
            <strong className="mono">{alert.ticker}</strong> {describeFiring(alert.condition, alert.threshold)}
          </span>,
          {
            id: `firing-${firing.id}`,
            description: `Tick ${formatPrice(firing.price)} at ${formatTimeOfDay(firing.tickAt, zone)} · #${firing.tickSeq}${alert.note ? ` · ${alert.note}` : ""}`,
            duration: 20_000,
            action: { label: "View", onClick: () => router.push(`/alerts/${alert.id}`) },
          },
        );
        if (mayPlay && claimSound(storage(), firing.id)) playNotificationSound(sound);
      }, 0);
    },
    [router],
  );

  useLiveRegistration(
    useMemo<LiveRegistration<"alert">>(
      () => ({
        entity: "alert",
        apply: (event) => {
          switch (event.type) {
            case "alert.deleted":
              store.remove(event.payload);
              return;
            case "alert.fired":
              store.merge([event.payload.alert]);
              store.addFirings([event.payload.firing]);
              announce(event.payload.alert, event.payload.firing);
              return;
            default:
              store.merge([event.payload]);
          }
        },
        refetch: () => {
          void queryClient.invalidateQueries({ queryKey: listKey });
          void utils.alerts.firings.invalidate();
        },
      }),
      [store, announce, queryClient, listKey, utils],
    ),
  );

  // "Seen up to", shared by the browser's tabs through localStorage; kept outside React state so a
  // firing re-renders only the nav badge, not every consumer of this context.
  const [seen] = useState(() => new SeenMark(storage()));
  useEffect(() => seen.follow(userId), [seen, userId]);
  useEffect(() => {
    // A browser's first visit starts with the history seen: only what fires from now on counts.
    if (firings.data) seen.initialize(firings.data.firings[0]?.firedAt.getTime() ?? 0);
  }, [seen, firings.data]);

  const loadError = list.error && !list.data ? list.error.message : null;
  const value = useMemo(() => ({ store, loadError, seen }), [store, loadError, seen]);
  return <AlertsLiveContext.Provider value={value}>{children}</AlertsLiveContext.Provider>;
}

function useAlertsLive(): AlertsLive {
  const value = useContext(AlertsLiveContext);
  if (!value) throw new Error("used outside AlertsLive");
  return value;
}

export const useAlertsStore = (): AlertsStore => useAlertsLive().store;

export function useAlertsLoad(): { loaded: boolean; loadError: string | null } {
  const { store, loadError } = useAlertsLive();
  const loaded = useSyncExternalStore(store.subscribe, store.loaded, () => false);
  return { loaded, loadError };
}

/** The alerts not deleted, oldest first. */
export function useAlerts(): readonly AlertView[] {
  const store = useAlertsStore();
  return useSyncExternalStore(store.subscribe, store.alerts, store.alerts);
}

export function useAlert(id: string): AlertView | undefined {
  const store = useAlertsStore();
  return useSyncExternalStore(
    store.subscribe,
    () => store.get(id),
    () => undefined,
  );
}

/** The firings this tab knows (the newest page, live ones, and older pages it loaded), newest first. */
export function useFirings(): readonly FiringView[] {
  const store = useAlertsStore();
  return useSyncExternalStore(store.subscribe, store.firings, store.firings);
}

/** Firings newer than this browser's "seen up to" mark. */
export function useUnseenFirings(): number {
  const { seen } = useAlertsLive();
  const firings = useFirings();
  const mark = useSyncExternalStore(seen.subscribe, seen.get, () => null);
  return unseenCount(firings, mark);
}

/** While the calling page is shown, every firing counts as seen (in all tabs of the browser). */
export function useSeeFiringsWhileShown(): void {
  const { store, seen } = useAlertsLive();
  useEffect(() => {
    const markSeen = () => {
      if (document.visibilityState === "visible") seen.advance(store.firings()[0]?.firedAt.getTime() ?? 0);
    };
    markSeen();
    const unsubscribe = store.subscribe(markSeen);
    document.addEventListener("visibilitychange", markSeen);
    return () => {
      unsubscribe();
      document.removeEventListener("visibilitychange", markSeen);
    };
  }, [store, seen]);
}

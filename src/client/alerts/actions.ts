"use client";

import { useMemo } from "react";
import type { AlertView, CreateAlertInput, UpdateAlertInput } from "@/domain/alerts/schema";
import { sendOnce } from "../live/send";
import { trpc } from "../live/trpc";
import { useAlertsStore } from "./live";

export type AlertChanges = Omit<UpdateAlertInput, "id" | "expectedVersion" | "requestId">;

export interface AlertActions {
  create(input: Omit<CreateAlertInput, "requestId">): Promise<AlertView>;
  /** Sends only the changed fields, with the version the edit started from. */
  update(id: string, changes: AlertChanges, expectedVersion: number): Promise<AlertView>;
  rearm(id: string): Promise<AlertView>;
  disable(id: string): Promise<AlertView>;
  enable(id: string): Promise<AlertView>;
  /** Deletes the alert as the trader saw it (a changed one is a CONFLICT). */
  remove(id: string, expectedVersion: number): Promise<AlertView>;
}

/**
 * The alert mutations of this tab, each one logical request: its request id is
 * chosen once and kept across retries (src/client/live/send.ts), so a retried
 * create never makes two alerts. Each response is merged into the store (by
 * version), so the change shows at once even while the stream reconnects.
 * Rearm, disable and enable carry no expected version: they are state changes
 * the trader wants whatever else moved (a firing bumps the version too).
 */
export function useAlertActions(): AlertActions {
  const utils = trpc.useUtils();
  const store = useAlertsStore();
  return useMemo(() => {
    const { alerts } = utils.client;
    const kept = async (mutation: Promise<AlertView>): Promise<AlertView> => {
      const view = await mutation;
      store.merge([view]);
      return view;
    };
    return {
      create: (input) => kept(sendOnce((requestId) => alerts.create.mutate({ ...input, requestId }))),
      update: (id, changes, expectedVersion) =>
        kept(sendOnce((requestId) => alerts.update.mutate({ id, ...changes, expectedVersion, requestId } as UpdateAlertInput))),
      rearm: (id) => kept(sendOnce((requestId) => alerts.rearm.mutate({ id, requestId }))),
      disable: (id) => kept(sendOnce((requestId) => alerts.disable.mutate({ id, requestId }))),
      enable: (id) => kept(sendOnce((requestId) => alerts.enable.mutate({ id, requestId }))),
      remove: async (id, expectedVersion) => {
        const view = await sendOnce((requestId) => alerts.delete.mutate({ id, expectedVersion, requestId }));
        store.remove(view);
        return view;
      },
    };
  }, [utils, store]);
}

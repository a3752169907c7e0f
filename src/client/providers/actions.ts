"use client";

import { useMemo } from "react";
import type { AddProviderInput, ProviderView } from "@/domain/providers/schema";
import { sendOnce } from "../live/send";
import { trpc } from "../live/trpc";
import type { ProviderChanges } from "./form";

export interface ProviderActions {
  add(input: Omit<AddProviderInput, "requestId">): Promise<ProviderView>;
  update(id: string, changes: ProviderChanges & { apiKey?: string }, expectedVersion: number): Promise<ProviderView>;
  activate(id: string): Promise<ProviderView>;
  remove(id: string, expectedVersion: number): Promise<ProviderView>;
}

/**
 * The provider mutations of this tab, each one logical request (one request id
 * across retries). Their responses are single rows without a sequence number,
 * so the list is not patched from them: the change arrives as a whole list on
 * the stream, and a snapshot refetch after every outcome covers a stream that
 * is reconnecting (the store keeps whichever of the two is newer).
 */
export function useProviderActions(): ProviderActions {
  const utils = trpc.useUtils();
  return useMemo(() => {
    const { providers } = utils.client;
    const settled = <T,>(mutation: Promise<T>): Promise<T> =>
      mutation.finally(() => void utils.providers.snapshot.invalidate());
    return {
      add: (input) => settled(sendOnce((requestId) => providers.add.mutate({ ...input, requestId }))),
      update: (id, changes, expectedVersion) =>
        settled(sendOnce((requestId) => providers.update.mutate({ id, ...changes, expectedVersion, requestId }))),
      activate: (id) => settled(sendOnce((requestId) => providers.setActive.mutate({ id, requestId }))),
      remove: (id, expectedVersion) => settled(sendOnce((requestId) => providers.delete.mutate({ id, expectedVersion, requestId }))),
    };
  }, [utils]);
}

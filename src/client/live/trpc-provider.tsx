"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { createAppClient, errorCode, trpc } from "./trpc";

const NO_RETRY = new Set(["UNAUTHORIZED", "FORBIDDEN", "BAD_REQUEST", "NOT_FOUND", "CONFLICT"]);

/** The tRPC client and the React Query cache it fills, for every page. */
export function TrpcProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // Live data arrives on the stream; refetches are a safety net, and the
            // version-aware store makes a late one harmless.
            staleTime: 5_000,
            retry: (failures, error) => failures < 3 && !NO_RETRY.has(errorCode(error) ?? ""),
          },
          mutations: { retry: false },
        },
      }),
  );
  const [client] = useState(createAppClient);
  return (
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}

import { httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";
import superjson from "superjson";
// Type-only: the client never loads server code.
import type { AppRouter } from "@/server/trpc/root";

export const trpc = createTRPCReact<AppRouter>();

export type AppClient = ReturnType<typeof trpc.createClient>;

/** Relative URLs: mutations then carry the app's own Origin, which the server requires. */
export function createAppClient(): AppClient {
  return trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
        false: httpBatchLink({ url: "/api/trpc", transformer: superjson, maxURLLength: 2000 }),
      }),
    ],
  });
}

export type AppClientError = TRPCClientError<AppRouter>;

export function isClientError(error: unknown): error is AppClientError {
  return error instanceof TRPCClientError;
}

/** The tRPC error code (`CONFLICT`, `BAD_REQUEST`, `UNAUTHORIZED`, …) of an error, if it is one. */
export function errorCode(error: unknown): string | undefined {
  return isClientError(error) ? error.data?.code : undefined;
}

/** What the trader reads when a call failed: field messages, "could not reach the server", or the server's message. */
export function errorMessage(error: unknown): string {
  if (isClientError(error)) {
    const fieldErrors = (error.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors;
    if (fieldErrors) return Object.values(fieldErrors).flat().join("; ");
    if (!error.data) return "Could not reach the server. Check your connection and try again.";
    return error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong";
}

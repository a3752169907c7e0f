import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { AppServices } from "@/server/services";
import { createContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/root";

/**
 * tRPC over real HTTP without the typed client, for tests about exact
 * responses (status, body bytes, error shape): any input, even one the types
 * forbid, is sent in the superjson envelope the client would use.
 */

export type ProcedureType = "query" | "mutation" | "subscription";

export interface ErrorShape {
  message: string;
  code: number;
  data: { code: string; httpStatus: number; path?: string; fieldErrors?: Record<string, string[]>; details?: unknown };
}

export interface RawResponse {
  /** HTTP status; for a subscription, the status its first error event names (200 when it streamed data). */
  status: number;
  /** The body as received (for a subscription, the SSE text read). */
  text: string;
  error?: ErrorShape;
  data?: unknown;
}

export async function rawCall(
  baseUrl: string,
  path: string,
  type: ProcedureType,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const envelope = input === undefined ? undefined : serialize(input);
  const url = `${baseUrl}/api/trpc/${path}`;
  if (type === "subscription") return subscribeOnce(envelope === undefined ? url : `${url}?input=${encodeURIComponent(envelope)}`, headers);
  const res =
    type === "query"
      ? await fetch(envelope === undefined ? url : `${url}?input=${encodeURIComponent(envelope)}`, { headers })
      : await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: envelope ?? "" });
  const text = await res.text();
  const body = parseJson(text) as { error?: { json: ErrorShape }; result?: { data: unknown } } | undefined;
  return { status: res.status, text, error: body?.error?.json, data: body?.result?.data };
}

/** Reads the SSE stream up to its first data or error event, then disconnects. */
async function subscribeOnce(url: string, headers: Record<string, string>): Promise<RawResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: controller.signal });
    if (!res.body || !res.headers.get("content-type")?.includes("text/event-stream")) {
      const text = await res.text();
      const body = parseJson(text) as { error?: { json: ErrorShape } } | undefined;
      return { status: res.status, text, error: body?.error?.json };
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { status: res.status, text };
      text += decoder.decode(value, { stream: true });
      for (const block of text.split("\n\n").slice(0, -1)) {
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === "serialized-error" && data) {
          const error = (JSON.parse(data) as { json: ErrorShape }).json;
          return { status: error.data.httpStatus, text, error };
        }
        if (event === "message" && data) return { status: res.status, text, data: JSON.parse(data) };
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** superjson's envelope; a plain `{ json }` one (what a non-superjson client sends) for input too deep for superjson's recursive walk. */
function serialize(input: unknown): string {
  try {
    return JSON.stringify(superjson.serialize(input));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return JSON.stringify({ json: input });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface InProcessApi {
  url: string;
  /** Every error tRPC reported through onError, as server.ts receives them. */
  errors: TRPCError[];
  close(): Promise<void>;
}

/** The app's tRPC handler as server.ts mounts it (router, base path, context), on a free local port. */
export async function startInProcessApi(services: AppServices): Promise<InProcessApi> {
  const errors: TRPCError[] = [];
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext: ({ req }) => createContext(services, req),
    onError: ({ error }) => void errors.push(error),
  });
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A script that drives Virtual Office through the typed tRPC API with an API token.
 *
 *   VO_URL=http://localhost:3000 VO_TOKEN=vo_… npx tsx examples/api-client.ts
 *
 * Create the token on the Account page (it is shown once). Without VO_TOKEN the
 * script signs in with VO_EMAIL / VO_PASSWORD (signing up the first time),
 * mints a read-write token with that session, and prints it on stderr for
 * next time. tests/api/examples/api-client.test.ts runs exactly this file.
 */
import { randomUUID } from "node:crypto";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../src/server/trpc/root";

const baseUrl = process.env.VO_URL ?? "http://localhost:3000";

const client = (bearer: string) =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/api/trpc`, transformer: superjson, headers: { authorization: `Bearer ${bearer}` } })],
  });

/** Signs in (or up) with email and password; returns the session token. */
async function signIn(email: string, password: string): Promise<string> {
  const post = (path: string, body: object) =>
    fetch(`${baseUrl}/api/auth/${path}`, {
      method: "POST",
      // Node's fetch sends Sec-Fetch-Mode, so Better Auth's CSRF check wants an
      // Origin it trusts: the app's own.
      headers: { "content-type": "application/json", origin: new URL(baseUrl).origin },
      body: JSON.stringify(body),
    });
  let response = await post("sign-in/email", { email, password });
  if (response.status === 401) response = await post("sign-up/email", { email, password, name: "API bot" });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  return token;
}

async function apiToken(): Promise<string> {
  if (process.env.VO_TOKEN) return process.env.VO_TOKEN;
  const session = await signIn(process.env.VO_EMAIL ?? "bot@example.com", process.env.VO_PASSWORD ?? "correct horse battery staple");
  const { secret } = await client(session).account.tokens.create.mutate({ name: "api-client example", scopes: ["read", "write"] });
  console.error(`VO_TOKEN=${secret}`); // shown once: keep it
  return secret;
}

const api = client(await apiToken());

const me = await api.account.me.query();
// requestId makes the call safe to retry: a repeat returns the first result.
const requestId = randomUUID();
const saved = await api.settings.set.mutate({ key: "watchlist", value: ["AAPL", "MSFT", "NVDA"], requestId });
const retried = await api.settings.set.mutate({ key: "watchlist", value: ["AAPL", "MSFT", "NVDA"], requestId });

// With expectedVersion, a stale write is refused with CONFLICT and the current value.
let conflict: { version: number } | null = null;
try {
  await api.settings.set.mutate({ key: "watchlist", value: ["TSLA"], expectedVersion: saved.version - 1 });
} catch (error) {
  if (!(error instanceof TRPCClientError) || error.data?.code !== "CONFLICT") throw error;
  conflict = (error.data as { details: { current: { version: number } } }).details.current;
}

const watchlist = await api.settings.get.query({ key: "watchlist" });
console.log(
  JSON.stringify({
    email: me.email,
    savedVersion: saved.version,
    retriedVersion: retried.version,
    conflictCurrentVersion: conflict?.version ?? null,
    watchlist: watchlist.value,
    version: watchlist.version,
  }),
);

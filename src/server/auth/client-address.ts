import type { IncomingMessage } from "node:http";
import { getIPFromHeader } from "@better-auth/core/utils/ip";

/** Set by the server for Better Auth; any value a client sends under this name is replaced. */
export const CLIENT_ADDRESS_HEADER = "x-vo-client-address";

/** TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of the reverse proxies in front. */
export function trustedProxies(env = process.env.TRUSTED_PROXIES): string[] {
  return (env ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy — then
 * the forwarded chain is walked from the right, past trusted hops, to the first
 * address no trusted proxy vouches for. A client-written X-Forwarded-For is
 * therefore only ever read when a trusted proxy appended to it.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, proxies: string[]): string | null {
  if (!peer) return null;
  const forwarded = proxies.length > 0 ? [forwardedFor ?? []].flat().join(",") : "";
  const chain = forwarded ? `${forwarded},${peer}` : peer;
  return getIPFromHeader(chain, { trustedProxies: proxies.length > 0 ? proxies : undefined });
}

/** Rewrites the request's client-address header in place (server.ts, before Better Auth sees it). */
export function stampClientAddress(req: IncomingMessage, proxies: string[]): void {
  delete req.headers[CLIENT_ADDRESS_HEADER];
  const address = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], proxies);
  if (address) req.headers[CLIENT_ADDRESS_HEADER] = address;
}

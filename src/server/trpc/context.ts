import type { IncomingMessage } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import type { AppServices } from "../services";

export interface Context {
  services: AppServices;
  userId: string | null;
  /** Browser provenance headers, checked for mutations (CSRF). */
  origin: string | null;
  fetchSite: string | null;
}

export async function createContext(services: AppServices, req: IncomingMessage): Promise<Context> {
  const headers = fromNodeHeaders(req.headers);
  return {
    services,
    userId: await userIdFor(services, headers),
    origin: headers.get("origin"),
    fetchSite: headers.get("sec-fetch-site"),
  };
}

async function userIdFor(services: AppServices, headers: Headers): Promise<string | null> {
  const credential = headers.get("authorization") ?? headers.get("cookie");
  if (!credential) return null;
  const cached = services.sessions.get(credential);
  if (cached) return cached;
  const session = await services.auth.api.getSession({ headers });
  if (!session) return null;
  services.sessions.set(credential, session.user.id, session.session.token, new Date(session.session.expiresAt));
  return session.user.id;
}

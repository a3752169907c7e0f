import type { IncomingMessage } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import { authenticateToken } from "@/domain/tokens/data";
import type { TokenScope } from "@/domain/tokens/schema";
import { credentialOf, sessionHeaders, sessionTokenOf } from "../auth/credentials";
import type { AppServices } from "../services";

/** Who a request speaks for, decided by the one credential that authenticated it. */
export interface Principal {
  userId: string;
  scopes: ReadonlySet<TokenScope>;
  /** A browser/script session, or an API token (which cannot manage tokens or sessions). */
  via: "session" | "token";
  /** The session's token, to mark "this session" in the sessions list. */
  sessionToken: string | null;
}

export interface Context {
  services: AppServices;
  userId: string | null;
  principal: Principal | null;
  /** Browser provenance headers, checked for mutations (CSRF). */
  origin: string | null;
  fetchSite: string | null;
}

export const SESSION_SCOPES: ReadonlySet<TokenScope> = new Set(["read", "write"]);

export async function createContext(services: AppServices, req: IncomingMessage): Promise<Context> {
  const headers = fromNodeHeaders(req.headers);
  const principal = await principalFor(services, headers);
  return {
    services,
    userId: principal?.userId ?? null,
    principal,
    origin: headers.get("origin"),
    fetchSite: headers.get("sec-fetch-site"),
  };
}

export async function principalFor(services: AppServices, headers: Headers): Promise<Principal | null> {
  const credential = credentialOf(headers);
  if (!credential) return null;
  if (credential.kind === "apiToken") {
    const token = await authenticateToken(services.db, credential.secret);
    return token && { userId: token.userId, scopes: token.scopes, via: "token", sessionToken: null };
  }
  const sessionToken = sessionTokenOf(credential);
  const cached = services.sessions.get(credential.key);
  if (cached) return { userId: cached, scopes: SESSION_SCOPES, via: "session", sessionToken };
  // Better Auth sees only this credential, so the session it returns is the
  // credential's own; the token check below makes that explicit before caching.
  const session = await services.auth.api.getSession({ headers: sessionHeaders(credential) });
  if (!session || session.session.token !== sessionToken) return null;
  services.sessions.set(credential.key, session.user.id, session.session.token, new Date(session.session.expiresAt));
  return { userId: session.user.id, scopes: SESSION_SCOPES, via: "session", sessionToken };
}

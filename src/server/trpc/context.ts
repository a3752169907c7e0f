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
  const session = await services.auth.api.getSession({ headers });
  return {
    services,
    userId: session?.user.id ?? null,
    origin: headers.get("origin"),
    fetchSite: headers.get("sec-fetch-site"),
  };
}

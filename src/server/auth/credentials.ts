import { API_TOKEN_PREFIX } from "@/domain/tokens/schema";

/** Better Auth's session cookie (the __Secure- form when the app is served over https). */
export const SESSION_COOKIE_NAMES = ["__Secure-better-auth.session_token", "better-auth.session_token"] as const;

/**
 * The one credential a request is authenticated by. Identity comes from this
 * credential alone, and caches are keyed by it (`key`), never by a header that
 * might not have been the one that authenticated.
 */
export type Credential =
  | { kind: "apiToken"; secret: string; key: string }
  | { kind: "sessionBearer"; token: string; key: string }
  | { kind: "sessionCookie"; name: string; value: string; key: string };

/**
 * - `Authorization: Bearer …` is the only credential when present: an API token
 *   (`vo_…`) or a session token. A bad one is not rescued by a cookie beside it.
 * - Any other Authorization scheme (e.g. a proxy's shared Basic login) is not
 *   ours and is ignored; the session cookie, if any, decides.
 */
export function credentialOf(headers: Headers): Credential | null {
  const authorization = headers.get("authorization");
  if (authorization !== null && /^bearer(\s|$)/i.test(authorization.trimStart())) {
    const token = authorization.trim().slice("bearer".length).trim();
    if (token === "" || /\s/.test(token)) return null;
    return token.startsWith(API_TOKEN_PREFIX)
      ? { kind: "apiToken", secret: token, key: `token:${token}` }
      : { kind: "sessionBearer", token, key: `bearer:${token}` };
  }
  const cookie = sessionCookie(headers.get("cookie"));
  return cookie ? { kind: "sessionCookie", ...cookie, key: `cookie:${cookie.name}=${cookie.value}` } : null;
}

function sessionCookie(header: string | null): { name: string; value: string } | null {
  if (!header) return null;
  for (const name of SESSION_COOKIE_NAMES) {
    for (const part of header.split(";")) {
      const eq = part.indexOf("=");
      if (eq > 0 && part.slice(0, eq).trim() === name) {
        const value = part.slice(eq + 1).trim();
        if (value) return { name, value };
      }
    }
  }
  return null;
}

/** The headers Better Auth sees for a session credential: that credential and nothing else. */
export function sessionHeaders(credential: Exclude<Credential, { kind: "apiToken" }>): Headers {
  return credential.kind === "sessionBearer"
    ? new Headers({ authorization: `Bearer ${credential.token}` })
    : new Headers({ cookie: `${credential.name}=${credential.value}` });
}

/** The session token a credential names (signed values are `token.signature`, maybe URL-encoded). */
export function sessionTokenOf(credential: Exclude<Credential, { kind: "apiToken" }>): string {
  const raw = credential.kind === "sessionBearer" ? credential.token : credential.value;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // not URL-encoded
  }
  return decoded.split(".")[0] ?? "";
}

/**
 * CSRF rule shared by tRPC mutations and the auth endpoints: a browser always
 * sends Origin (and Sec-Fetch-Site) on a cross-site POST, so a state-changing
 * request is refused when either says it came from elsewhere. Scripts send
 * neither (or their server's own origin) and authenticate with a token.
 */
export function isForeignBrowserRequest(origin: string | null | undefined, fetchSite: string | null | undefined, appOrigins: string[]): boolean {
  const foreignOrigin = origin != null && !appOrigins.includes(origin);
  const foreignSite = fetchSite != null && fetchSite !== "same-origin" && fetchSite !== "none";
  return foreignOrigin || foreignSite;
}

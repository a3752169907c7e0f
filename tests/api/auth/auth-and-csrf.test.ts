import { describe, expect, it } from "vitest";
import { useServers } from "../../harness/server-cluster-suite";

/** Over real HTTP: sessions, sign-out, and the same-origin rule for browser mutations. */
describe("accounts and CSRF over HTTP (sqlite)", () => {
  const server = useServers("sqlite");

  const json = { "content-type": "application/json" };
  const setTheme = (headers: Record<string, string>, value = "dark") =>
    fetch(`${server.url()}/api/trpc/settings.set`, {
      method: "POST",
      headers: { ...json, ...headers },
      body: JSON.stringify({ json: { key: "theme", value } }),
    });
  const me = (headers: Record<string, string>) => fetch(`${server.url()}/api/trpc/account.me`, { headers });

  async function signUp(origin = server.url()) {
    const email = `t-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
    const res = await fetch(`${server.url()}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { ...json, origin },
      body: JSON.stringify({ email, password: "password-123456", name: "T" }),
    });
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    return { res, email, cookie };
  }

  it("signs up with a session cookie; account.me answers only when signed in; sign-out ends the session", async () => {
    const { res, email, cookie } = await signUp();
    expect(res.status).toBe(200);
    expect(cookie).toMatch(/^better-auth\.session_token=/);
    expect((await me({})).status).toBe(401);
    const signedIn = await me({ cookie });
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as { result: { data: { json: { email: string } } } }).result.data.json.email).toBe(email);
    const out = await fetch(`${server.url()}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: server.url() } });
    expect(out.status).toBe(200);
    expect((await me({ cookie })).status).toBe(401);
  });

  it("refuses browser mutations from another origin and changes nothing; same-origin ones work", async () => {
    const { cookie } = await signUp();
    const foreign = await setTheme({ cookie, origin: "http://evil.example", "sec-fetch-site": "cross-site" });
    expect(foreign.status).toBe(403);
    const sameSiteOtherPort = await setTheme({ cookie, "sec-fetch-site": "same-site" });
    expect(sameSiteOtherPort.status).toBe(403);
    const get = await fetch(`${server.url()}/api/trpc/settings.get?input=${encodeURIComponent(JSON.stringify({ json: { key: "theme" } }))}`, {
      headers: { cookie },
    });
    expect(((await get.json()) as { result: { data: { json: { version: number } } } }).result.data.json.version).toBe(0);
    const own = await setTheme({ cookie, origin: server.url(), "sec-fetch-site": "same-origin" });
    expect(own.status).toBe(200);
  });

  it("refuses sign-up and sign-in posted from another origin", async () => {
    const { res } = await signUp("http://evil.example");
    expect(res.status).toBe(403);
  });
});

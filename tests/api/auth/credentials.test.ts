import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appRouter } from "@/server/trpc/root";
import { signUpUser } from "../../harness/api-client";
import { databaseText } from "../../harness/database-text";
import { DATABASES } from "../../harness/databases";
import { useServerCluster } from "../../harness/server-cluster-suite";

/**
 * Who a request runs as comes only from the credential that authenticated it
 * (issue: a proxy's Basic header or a garbage bearer beside a cookie made the
 * session cache serve one user's requests as another's), and API tokens:
 * shown once, stored hashed, scoped, revoked at once in every process.
 * Two real server processes share one database; the session cache is on.
 */
describe.each(DATABASES)("credentials and identity on %s", (kind) => {
  const cluster = useServerCluster(kind, { processes: 2, env: { SESSION_CACHE_MS: "60000" }, report: (d) => `credentials (${kind}): ${d}` });
  const url = (i = 0) => cluster.urls()[i]!;

  interface Call {
    status: number;
    body: any;
    text: string;
  }
  async function call(procedure: string, headers: Record<string, string>, input?: unknown, method: "GET" | "POST" = "GET", server = 0): Promise<Call> {
    const query = method === "GET" && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify({ json: input }))}` : "";
    const res = await fetch(`${url(server)}/api/trpc/${procedure}${query}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: method === "POST" ? JSON.stringify({ json: input }) : undefined,
    });
    const text = await res.text();
    let body: any = null;
    try {
      body = JSON.parse(text);
    } catch {
      // an SSE body
    }
    return { status: res.status, body, text };
  }
  const data = (c: Call) => c.body?.result?.data?.json;

  async function account() {
    const user = await signUpUser(url());
    const res = await fetch(`${url()}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url() },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(cookie).toMatch(/^better-auth\.session_token=/);
    return { ...user, cookie };
  }

  async function createToken(cookie: string, input: Record<string, unknown>, server = 0) {
    const created = await call("account.tokens.create", { cookie }, input, "POST", server);
    expect(created.status, created.text).toBe(200);
    return data(created) as { token: { id: string; prefix: string; scopes: string[] }; secret: string };
  }

  it("serves every request as the user whose credential authenticated it, whatever else is sent (property)", async () => {
    const a = await account();
    const b = await account();
    const aToken = await createToken(a.cookie, { name: "a-bot" });
    const bToken = await createToken(b.cookie, { name: "b-bot" });

    // Authorization headers and cookies, each with the user it proves (null: nobody).
    const authorizations: [string | null, string | null][] = [
      [null, null],
      ["Basic dXNlcjpwYXNz", null], // a proxy's shared login: not ours, ignored
      ["Bearer garbage.sig", "nobody"],
      ["Bearer vo_garbage", "nobody"],
      ["Bearer ", "nobody"],
      [`Bearer ${a.token}`, a.userId],
      [`bearer   ${b.token}`, b.userId],
      [`Bearer ${aToken.secret}`, a.userId],
      [`Bearer ${bToken.secret}`, b.userId],
      [`Bearer ${a.token}x`, "nobody"],
    ];
    const cookies: [string | null, string | null][] = [
      [null, null],
      [a.cookie, a.userId],
      [b.cookie, b.userId],
      [`theme=dark; ${b.cookie}`, b.userId],
      ["better-auth.session_token=forged.sig", null],
    ];
    const expected = (authorization: [string | null, string | null], cookie: [string | null, string | null]) => {
      if (authorization[1] === "nobody") return null; // a bearer that fails is not rescued by a cookie
      return authorization[1] ?? cookie[1];
    };

    let requests = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(authorizations.length - 1), fc.nat(cookies.length - 1), fc.boolean(), fc.nat(1)), { minLength: 4, maxLength: 12 }),
        async (steps) => {
          for (const [ai, ci, write, server] of steps) {
            const authorization = authorizations[ai]!;
            const cookie = cookies[ci]!;
            const headers: Record<string, string> = {};
            if (authorization[0] !== null) headers.authorization = authorization[0];
            if (cookie[0] !== null) headers.cookie = cookie[0];
            const who = expected(authorization, cookie);
            requests++;
            if (!write) {
              const me = await call("account.me", headers, undefined, "GET", server);
              if (who === null) expect(me.status, JSON.stringify(headers)).toBe(401);
              else expect(data(me)?.id, JSON.stringify(headers)).toBe(who);
              continue;
            }
            const bio = `written-${randomUUID()}`;
            const res = await call("profile.update", headers, { patch: { bio } }, "POST", server);
            if (who === null) {
              expect(res.status, JSON.stringify(headers)).toBe(401);
              continue;
            }
            expect(res.status, res.text).toBe(200);
            const mine = data(await call("profile.get", { cookie: who === a.userId ? a.cookie : b.cookie }));
            const theirs = data(await call("profile.get", { cookie: who === a.userId ? b.cookie : a.cookie }));
            expect(mine.bio).toBe(bio);
            expect(theirs.bio).not.toBe(bio);
          }
        },
      ),
      { numRuns: 25 },
    );
    console.log(`credentials (${kind}): ${requests} requests over header/cookie combinations, none served as another user`);
  });

  it("after a garbage bearer beside a cookie, neither that header alone nor with someone else's cookie is anybody (every procedure)", async () => {
    const a = await account();
    const b = await account();
    const garbage = { authorization: "Bearer garbage.sig" };
    const basic = { authorization: "Basic dXNlcjpwYXNz" };
    // The requests of the report, in its order: they primed the old cache under the header.
    expect((await call("account.me", { ...garbage, cookie: a.cookie })).status).toBe(401);
    expect(data(await call("account.me", { ...basic, cookie: a.cookie }))?.id).toBe(a.userId);
    expect(data(await call("account.me", { ...basic, cookie: b.cookie }))?.id).toBe(b.userId);

    const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>);
    expect(procedures.length).toBeGreaterThan(15);
    for (const [path, procedure] of procedures) {
      const method = procedure._def.type === "mutation" ? "POST" : "GET";
      for (const headers of [garbage, basic]) {
        const res = await call(path, headers, {}, method);
        // A subscription answers over SSE: the refusal is its one (error) message.
        if (procedure._def.type === "subscription") expect(res.text, `${path} with ${headers.authorization}`).toMatch(/event: serialized-error\ndata: [^\n]*"UNAUTHORIZED"/);
        else expect(res.status, `${path} with ${headers.authorization}`).toBe(401);
      }
    }
    // B's settings write with the shared header lands on B, never on A.
    const set = await call("settings.set", { ...basic, cookie: b.cookie }, { key: "theme", value: "dark" }, "POST");
    expect(set.status, set.text).toBe(200);
    expect(data(await call("settings.get", { cookie: a.cookie }, { key: "theme" })).version).toBe(0);
    expect(data(await call("settings.get", { cookie: b.cookie }, { key: "theme" })).version).toBe(1);
  });

  it("API tokens: the secret is shown once and stored hashed; scopes hold; revocation and expiry act on the next request in another process", async () => {
    const a = await account();
    const b = await account();
    const rw = await createToken(a.cookie, { name: "trading bot" });
    const ro = await createToken(a.cookie, { name: "dashboard", scopes: ["read"] });
    expect(rw.secret).toMatch(/^vo_[A-Za-z0-9_-]{43}$/);
    expect(rw.secret.startsWith(rw.token.prefix)).toBe(true);
    expect(rw.token.scopes).toEqual(["read", "write"]);

    const list = await call("account.tokens.list", { cookie: a.cookie });
    expect(list.status).toBe(200);
    expect(data(list).map((t: { name: string }) => t.name).sort()).toEqual(["dashboard", "trading bot"]);
    expect(list.text.includes(rw.secret.slice(11))).toBe(false);
    expect(data(await call("account.tokens.list", { cookie: b.cookie }))).toEqual([]);

    // Read-write token: reads and writes on either process.
    const bearer = { authorization: `Bearer ${rw.secret}` };
    expect(data(await call("account.me", bearer, undefined, "GET", 1)).id).toBe(a.userId);
    expect((await call("settings.set", bearer, { key: "theme", value: "dark" }, "POST", 1)).status).toBe(200);
    // Read-only token: reads; every mutation FORBIDDEN and nothing changes.
    const reader = { authorization: `Bearer ${ro.secret}` };
    expect(data(await call("settings.get", reader, { key: "theme" })).value).toBe("dark");
    const refused = await call("settings.set", reader, { key: "theme", value: "light" }, "POST");
    expect(refused.status).toBe(403);
    expect(refused.body.error.json.data.code).toBe("FORBIDDEN");
    expect(data(await call("settings.get", { cookie: a.cookie }, { key: "theme" }))).toMatchObject({ value: "dark", version: 1 });
    // A token cannot mint or revoke tokens, or list sessions.
    expect((await call("account.tokens.create", bearer, { name: "escalate", scopes: ["read", "write", "ingest"] }, "POST")).status).toBe(403);
    expect((await call("account.tokens.revoke", bearer, { id: ro.token.id }, "POST")).status).toBe(403);
    expect((await call("account.sessions.list", bearer)).status).toBe(403);

    // Another user's token id behaves exactly like an unknown one.
    const foreign = await call("account.tokens.revoke", { cookie: b.cookie }, { id: rw.token.id }, "POST");
    const unknown = await call("account.tokens.revoke", { cookie: b.cookie }, { id: randomUUID() }, "POST");
    expect([foreign.status, unknown.status]).toEqual([404, 404]);
    expect(foreign.body.error.json.message).toBe(unknown.body.error.json.message);

    // Revoked on process 0; the very next request on process 1 is refused.
    expect(data(await call("account.me", bearer, undefined, "GET", 1)).id).toBe(a.userId);
    const revoked = await call("account.tokens.revoke", { cookie: a.cookie }, { id: rw.token.id }, "POST", 0);
    expect(data(revoked).revokedAt).not.toBeNull();
    expect((await call("account.me", bearer, undefined, "GET", 1)).status).toBe(401);
    expect((await call("settings.set", bearer, { key: "theme", value: "light" }, "POST", 1)).status).toBe(401);

    // Expired: the database says so, the next request in either process is refused.
    const short = await createToken(a.cookie, { name: "short", expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await call("account.me", { authorization: `Bearer ${short.secret}` }, undefined, "GET", 1)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await call("account.me", { authorization: `Bearer ${short.secret}` }, undefined, "GET", 1)).status).toBe(401);

    // Bad input: BAD_REQUEST by field, nothing created.
    const before = data(await call("account.tokens.list", { cookie: a.cookie })).length;
    for (const bad of [{ name: "" }, { name: "x", expiresAt: "2001-01-01T00:00:00Z" }, { name: "x", scopes: ["admin"] }, { name: "x".repeat(81) }]) {
      const res = await call("account.tokens.create", { cookie: a.cookie }, bad, "POST");
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(data(await call("account.tokens.list", { cookie: a.cookie })).length).toBe(before);

    // The secrets are nowhere in the database; their prefixes (shown in lists) are.
    const text = await databaseText(cluster.database());
    expect(text).toContain(rw.token.prefix);
    for (const { secret } of [rw, ro, short]) expect(text.includes(secret.slice(11)), "token secret in the database").toBe(false);
  });

  it("lists sessions without their tokens and signs them out, one or all", async () => {
    const a = await account();
    const second = await fetch(`${url()}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url() },
      body: JSON.stringify({ email: a.email, password: a.password }),
    });
    const otherCookie = (second.headers.get("set-cookie") ?? "").split(";")[0]!;
    const sessions = await call("account.sessions.list", { cookie: a.cookie });
    expect(sessions.status).toBe(200);
    const views = data(sessions) as { id: string; current: boolean }[];
    expect(views.length).toBe(3); // sign-up, sign-in in account(), and this sign-in
    expect(views.filter((s) => s.current).length).toBe(1);
    expect(sessions.text.includes(a.token)).toBe(false);

    const other = views.find((s) => !s.current)!;
    expect(data(await call("account.sessions.revoke", { cookie: a.cookie }, { id: other.id }, "POST")).revoked).toBe(1);
    expect((data(await call("account.sessions.list", { cookie: a.cookie })) as unknown[]).length).toBe(2);

    expect(data(await call("account.sessions.revoke", { cookie: a.cookie }, { all: true }, "POST")).revoked).toBe(2);
    // This process forgets at once; the sessions are gone from the database for every process.
    expect((await call("account.me", { cookie: a.cookie })).status).toBe(401);
    expect((await call("account.me", { cookie: otherCookie })).status).toBe(401);
  });
  it("the sign-in identity is fixed at sign-up: no endpoint rewrites it, so account.me agrees in every process", async () => {
    const a = await account();
    const before = [data(await call("account.me", { cookie: a.cookie }, undefined, "GET", 0)), data(await call("account.me", { cookie: a.cookie }, undefined, "GET", 1))];
    const attempts: Array<[string, unknown]> = [
      ["/update-user", { name: "Renamed" }],
      ["/change-email", { newEmail: `renamed-${randomUUID()}@example.test` }],
      ["/delete-user", { password: a.password }],
    ];
    for (const [path, body] of attempts) {
      const res = await fetch(`${url(1)}/api/auth${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url(1), cookie: a.cookie },
        body: JSON.stringify(body),
      });
      expect(res.status, `${path}: ${await res.text()}`).toBe(404);
    }
    const after = [data(await call("account.me", { cookie: a.cookie }, undefined, "GET", 0)), data(await call("account.me", { cookie: a.cookie }, undefined, "GET", 1))];
    expect(after).toEqual(before);
    expect(after[0]).toMatchObject({ id: a.userId, name: "Trader", email: a.email });
  });
});

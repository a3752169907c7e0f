import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventLogBounds } from "@/domain/events/data";
import { openDatabase, type Database } from "@/db/client";
import { signUpUser, type SignedUpUser } from "../../harness/api-client";
import { DATABASES } from "../../harness/databases";
import { useServers } from "../../harness/server-cluster-suite";
import type { ServerProcess } from "../../harness/server-process";

/**
 * The exact reproductions from issue 9 against a real server process: each
 * used to be a 500 carrying Prisma's text (or a 2 MB rejection, or a stored
 * 1 MB name); now a small 400 naming the field, and nothing changes.
 */
describe.each(DATABASES)("issue 9 reproductions over HTTP on %s", (kind) => {
  const servers = useServers(kind);
  let db: Database;
  let server: ServerProcess;
  let user: SignedUpUser;
  let providerId: string;

  beforeAll(async () => {
    server = servers.server();
    db = openDatabase(servers.databaseUrl());
    user = await signUpUser(server.url);
    const added = await post("providers.add", JSON.stringify({ json: { name: "Primary", model: "gpt-4o", apiKey: "sk-primary-0001" } }));
    providerId = JSON.parse(added.text).result.data.json.id;
  });
  afterAll(() => db?.close());

  /** POSTs a request body exactly as given (JSON text, so `\ud800` stays an escape on the wire). */
  async function post(procedure: string, body: string) {
    const res = await fetch(`${server.url}/api/trpc/${procedure}`, {
      method: "POST",
      headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
      body,
    });
    return { status: res.status, text: await res.text() };
  }
  const get = async (procedure: string) =>
    (await fetch(`${server.url}/api/trpc/${procedure}`, { headers: { authorization: `Bearer ${user.token}` } })).text();
  const state = async () =>
    JSON.stringify([await get("settings.list"), await get("profile.get"), await get("providers.list"), (await eventLogBounds(db, user.userId)).latest]);

  it("unpaired surrogates, NUL, an out-of-range version and 10,001 bad tickers: 400 with the field named, a small body, nothing written", async () => {
    const before = await state();
    const badTickers = JSON.stringify(Array.from({ length: 10_001 }, (_, i) => `bad ticker ${i}`));
    const cases: Array<[string, string, string]> = [
      ["profile.update", String.raw`{"json":{"patch":{"bio":"\ud800x"}}}`, "patch.bio"],
      ["providers.add", String.raw`{"json":{"name":"\ud800x","model":"gpt-4o","apiKey":"sk-test-1234"}}`, "name"],
      ["providers.update", String.raw`{"json":{"id":"${providerId}","model":"\ud800x"}}`, "model"],
      ["providers.setActive", String.raw`{"json":{"id":"\ud800x"}}`, "id"],
      ["providers.delete", String.raw`{"json":{"id":"\ud800x"}}`, "id"],
      ["profile.update", String.raw`{"json":{"patch":{"bio":"a\u0000b"}}}`, "patch.bio"],
      ["profile.update", String.raw`{"json":{"patch":{"displayName":"Ada\u0000"}}}`, "patch.displayName"],
      ["providers.add", String.raw`{"json":{"name":"n\u0000","model":"gpt-4o","apiKey":"sk-test-1234"}}`, "name"],
      ["settings.set", String.raw`{"json":{"key":"displayTimeZone","value":"UTC\u0000"}}`, "value"],
      ["settings.revert", `{"json":{"key":"theme","toVersion":2147483648}}`, "toVersion"],
      ["settings.set", `{"json":{"key":"watchlist","value":${badTickers}}}`, "value"],
    ];
    for (const [procedure, body, field] of cases) {
      const res = await post(procedure, body);
      const what = `${procedure} ${body.slice(0, 80)} → ${res.status} ${res.text.slice(0, 300)}`;
      expect(res.status, what).toBe(400);
      const error = JSON.parse(res.text).error.json;
      expect(error.data.code, what).toBe("BAD_REQUEST");
      expect(Object.keys(error.data.fieldErrors), what).toContain(field);
      expect(res.text, what).not.toMatch(/prisma|invocation|byte sequence|out of range for type/i);
      expect(res.text.length, what).toBeLessThan(2_048);
    }
    expect(await state()).toBe(before);
  });

  it("a body over 2 MiB is refused before it is parsed: 413, nothing written", async () => {
    const before = await state();
    const huge = await post("profile.update", JSON.stringify({ json: { patch: { bio: "x".repeat(3 * 1024 * 1024) } } }));
    expect(huge.status).toBe(413);
    expect(huge.text.length).toBeLessThan(2_000);
    expect(await state()).toBe(before);
  });

  it("sign-up with a 1 MB name, a NUL or unpaired surrogate in the name, or a 1 MB email: 400 with fieldErrors, no account created", async () => {
    const cases: Array<[string, string, string]> = [
      ["x".repeat(1_000_000), `big-name-${kind}@example.test`, "name"],
      ["Ada\u0000", `nul-name-${kind}@example.test`, "name"],
      ["Ada\ud800", `surrogate-name-${kind}@example.test`, "name"],
      ["Ada", `${"e".repeat(1_000_000)}@example.test`, "email"],
    ];
    for (const [name, email, field] of cases) {
      const res = await fetch(`${server.url}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ name, email, password: "password-123456" }),
      });
      const text = await res.text();
      expect(res.status, `${field}: ${text.slice(0, 300)}`).toBe(400);
      expect(JSON.parse(text).fieldErrors).toHaveProperty(field);
      expect(text.length).toBeLessThan(1_024);
      expect(await db.prisma.user.count({ where: { email } })).toBe(0);
    }
  });

  // Last: it breaks the database on purpose.
  it("an unexpected error: a generic 500 with a ref, nothing from Prisma; the server log prints that ref with the cause", async () => {
    await db.prisma.$executeRawUnsafe('DROP TABLE "profile"');
    const res = await fetch(`${server.url}/api/trpc/profile.get`, { headers: { authorization: `Bearer ${user.token}` } });
    const text = await res.text();
    expect(res.status, text).toBe(500);
    const error = JSON.parse(text).error.json;
    expect(error.data.code).toBe("INTERNAL_SERVER_ERROR");
    const ref = /^internal error \(ref ([0-9a-f]{12})\)$/.exec(error.message)?.[1];
    expect(ref, text).toBeDefined();
    expect(text).not.toMatch(/prisma|invocation|does not exist|no such table|stack|\.ts:/i);

    // The log line and the cause's message and stack after it (multi-line).
    const deadline = Date.now() + 5_000;
    const logged = () => server.stdout().slice(server.stdout().indexOf(`(ref ${ref})`) - 60);
    while (!server.stdout().includes(`(ref ${ref})`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged(), server.logs()).toMatch(/tRPC profile\.get failed: internal error \(ref [0-9a-f]{12}\): PrismaClient\w*Error[^]*profile[^]*does not exist/);
  });
});

import { randomUUID } from "node:crypto";
import http from "node:http";
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { FREE_FAILURES } from "@/server/auth/sign-in-guard";
import { signUpUser } from "../../harness/api-client";
import { together } from "../../harness/barrier";
import { DATABASES } from "../../harness/databases";
import { useServerCluster } from "../../harness/server-cluster-suite";

/** Better Auth's per-address rule for /sign-in/email (src/server/auth/auth.ts). */
const PER_ADDRESS = 30;

/**
 * Sign-in limits over real HTTP, with two server processes on one database:
 * the per-address limit keys on the TCP peer (distinct loopback addresses are
 * distinct clients), forwarded headers count only from a trusted proxy
 * (TRUSTED_PROXIES=127.0.0.1 here), and the per-account back-off holds across
 * processes. Before the fix every client shared one bucket, and any client
 * could pick its bucket with X-Forwarded-For.
 */
describe.each(DATABASES)("sign-in limits on %s", (kind) => {
  const cluster = useServerCluster(kind, {
    processes: 2,
    env: { AUTH_RATE_LIMIT: "on", TRUSTED_PROXIES: "127.0.0.1" },
    report: (d) => `sign-in limits (${kind}): ${d}`,
  });
  const url = (i: number) => cluster.urls()[i % 2]!;

  /** POST /api/auth/sign-in/email from a chosen loopback address (the client's identity for the limiter). */
  function signIn(from: string, server: number, email: string, password: string, headers: Record<string, string> = {}) {
    const target = new URL(`${url(server)}/api/auth/sign-in/email`);
    const body = JSON.stringify({ email, password });
    return new Promise<{ status: number; retryAfter: string | null }>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          localAddress: from,
          agent: false,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), origin: target.origin, ...headers },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: (res.headers["retry-after"] as string | undefined) ?? null }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }
  const stranger = () => `nobody-${randomUUID()}@example.test`;

  it("one client's failures do not lock out another client, and forged X-Forwarded-For does not bypass the limit", async () => {
    const trader = await signUpUser(url(0));
    const attacker = "127.0.0.2";
    for (let i = 0; i < PER_ADDRESS; i++) expect((await signIn(attacker, i, stranger(), "wrong-password")).status).toBe(401);
    // Spread over both processes, the shared counter still says 30.
    expect((await signIn(attacker, 0, stranger(), "wrong-password")).status).toBe(429);
    for (let n = 1; n <= 5; n++) {
      const forged = await signIn(attacker, n, stranger(), "wrong-password", { "x-forwarded-for": `198.51.100.${n}`, "x-vo-client-address": `198.51.100.${n}` });
      expect(forged.status, `forged address 198.51.100.${n}`).toBe(429);
    }
    // Someone else, right password, on either process.
    expect((await signIn("127.0.0.3", 0, trader.email, trader.password)).status).toBe(200);
    expect((await signIn("127.0.0.3", 1, trader.email, trader.password)).status).toBe(200);
  });

  it("behind a trusted proxy, the forwarded client address is the key; a client-prepended entry changes nothing", async () => {
    const trader = await signUpUser(url(0));
    const viaProxy = (client: string) => ({ "x-forwarded-for": client });
    for (let i = 0; i < PER_ADDRESS; i++) expect((await signIn("127.0.0.1", i, stranger(), "nope-nope-nope", viaProxy("203.0.113.9"))).status).toBe(401);
    expect((await signIn("127.0.0.1", 0, stranger(), "nope-nope-nope", viaProxy("203.0.113.9"))).status).toBe(429);
    // The client wrote "203.0.113.10" itself; the proxy appended the address it saw.
    expect((await signIn("127.0.0.1", 1, stranger(), "nope-nope-nope", viaProxy("203.0.113.10, 203.0.113.9"))).status).toBe(429);
    expect((await signIn("127.0.0.1", 1, trader.email, trader.password, viaProxy("203.0.113.10"))).status).toBe(200);
  });

  it("per account: failures on two processes add up, the account backs off everywhere, other accounts and unknown emails are treated alike", async () => {
    const victim = await signUpUser(url(0));
    const other = await signUpUser(url(0));
    for (let i = 0; i < FREE_FAILURES; i++) expect((await signIn("127.0.0.4", i, victim.email, "wrong-password")).status).toBe(401);
    for (const server of [0, 1]) {
      const locked = await signIn("127.0.0.5", server, victim.email, victim.password);
      expect(locked.status, `process ${server}`).toBe(429);
      expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect((await signIn("127.0.0.4", 1, other.email, other.password)).status).toBe(200);
    // An email nobody registered backs off the same way (no account enumeration).
    const ghost = stranger();
    for (let i = 0; i < FREE_FAILURES; i++) expect((await signIn("127.0.0.6", i, ghost, "wrong-password")).status).toBe(401);
    expect((await signIn("127.0.0.6", 0, ghost, "wrong-password")).status).toBe(429);
  });

  it("concurrent failures from both processes are each counted once", async () => {
    const target = await signUpUser(url(0));
    const outcomes = await together(12, (i) => signIn(`127.0.1.${i + 1}`, i, target.email, "wrong-password"));
    const statuses = outcomes.map((o) => (o.status === "fulfilled" ? o.value.status : -1));
    const failures = statuses.filter((s) => s === 401).length;
    // Those that passed the lock check before it was set all failed and were counted.
    expect(failures + statuses.filter((s) => s === 429).length).toBe(12);
    const db = openDatabase(cluster.databaseUrl());
    try {
      const row = await db.prisma.signInFailure.findUnique({ where: { key: `email:${target.email}` }, select: { failures: true, lockedUntil: true } });
      expect(row?.failures).toBe(failures);
      expect(row?.lockedUntil).not.toBeNull();
    } finally {
      await db.close();
    }
  });
});

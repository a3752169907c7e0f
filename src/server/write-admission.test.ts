import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { writeAdmission } from "./write-admission";

/** A server whose handler holds each request until the test answers it; records starts in order. */
async function heldServer(limit: number) {
  const admit = writeAdmission(limit);
  const started: string[] = [];
  const held = new Map<string, http.ServerResponse>();
  let active = 0;
  let maxActive = 0;
  const waiters: Array<() => void> = [];
  const closed: string[] = [];
  const server = http.createServer((req, res) => {
    // Registered before admit's own listener, so a finished write is counted out before the next is let in.
    res.once("close", () => {
      if (req.method === "POST" && started.includes(req.url!.slice(1))) active--;
      closed.push(req.url!.slice(1));
      waiters.splice(0).forEach((wake) => wake());
    });
    admit(req, res, () => {
      const name = req.url!.slice(1);
      started.push(name);
      if (req.method === "POST") {
        active++;
        maxActive = Math.max(maxActive, active);
      }
      held.set(name, res);
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: false });
  return {
    started,
    closed,
    maxActive: () => maxActive,
    send(method: "GET" | "POST", name: string) {
      const req = http.request({ host: "127.0.0.1", port, path: `/${name}`, method, agent });
      const answered = new Promise<number>((resolve, reject) => {
        req.on("response", (res) => (res.resume(), resolve(res.statusCode!)));
        req.on("error", reject);
      });
      req.end(method === "POST" ? "{}" : undefined);
      return { req, answered };
    },
    async until(check: () => boolean) {
      while (!check()) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    answer(name: string) {
      held.get(name)!.end("ok");
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe("write admission", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it("holds POSTs beyond the limit in arrival order, never a GET, and forgets a client that left while waiting", async () => {
    const s = await heldServer(2);
    close = s.close;
    const w1 = s.send("POST", "w1");
    const w2 = s.send("POST", "w2");
    await s.until(() => s.started.length === 2);
    const w3 = s.send("POST", "w3");
    const gone = s.send("POST", "gone");
    const w4 = s.send("POST", "w4");
    // A read arriving behind three waiting writes starts at once.
    const r1 = s.send("GET", "r1");
    await s.until(() => s.started.includes("r1"));
    expect(s.started).toEqual(["w1", "w2", "r1"]);

    gone.req.destroy();
    gone.answered.catch(() => {});
    await s.until(() => s.closed.includes("gone"));

    s.answer("w1");
    await s.until(() => s.started.length === 4);
    expect(s.started.at(-1)).toBe("w3");
    s.answer("w2");
    await s.until(() => s.started.length === 5);
    expect(s.started.at(-1)).toBe("w4"); // "gone" was skipped, not started
    s.answer("w3");
    s.answer("w4");
    s.answer("r1");
    expect(await Promise.all([w1, w2, w3, w4, r1].map((x) => x.answered))).toEqual([200, 200, 200, 200, 200]);
    expect(s.maxActive()).toBe(2);
    expect(s.started).not.toContain("gone");
  });

  it("with a limit of 0 admits everything at once", async () => {
    const s = await heldServer(0);
    close = s.close;
    const all = ["a", "b", "c", "d", "e"].map((name) => s.send("POST", name));
    await s.until(() => s.started.length === 5);
    expect(s.maxActive()).toBe(5);
    for (const name of ["a", "b", "c", "d", "e"]) s.answer(name);
    await Promise.all(all.map((x) => x.answered));
  });
});

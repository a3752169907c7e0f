import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createTestDatabase, type DatabaseKind } from "../../harness/databases";
import { freePort, startServer, type ServerProcess } from "../../harness/server-process";
import { expectLive, signUpUser } from "../helpers";
import { activeSamples, expectTabsShowProviders, installActiveSampler, openProvidersTabs } from "./helpers";

/**
 * A crash between commit and answer, in a real browser. This test runs its own
 * server process (full app, fresh database) so that it can SIGKILL it: tab A's
 * activation reaches the server and commits, then the server dies before the
 * answer gets back (the test holds the response, kills the server, and resets
 * the tab's connection). A replacement starts on the same port and database.
 * The tab resends the same request (same request id) until the new server
 * answers; the server finds its receipt, so the activation applies once. Both
 * tabs reconnect their shared stream and show what is stored; neither shows
 * two active providers (or none) at any moment in between.
 */
test("SIGKILL between an activation's commit and its answer: the tab resends it to the restarted server, it applies once, every tab shows it", async ({ browser }) => {
  test.setTimeout(180_000);
  const kind = test.info().project.name as DatabaseKind;
  const database = await createTestDatabase(kind);
  const secretsDir = mkdtempSync(path.join(os.tmpdir(), "vo-e2e-crash-"));
  const options = {
    databaseUrl: database.url,
    secretsDir,
    port: await freePort(),
    env: { VO_API_ONLY: "0", VO_PROVIDER_KEY: `e2e-crash-${randomBytes(16).toString("hex")}` },
  };
  let server: ServerProcess = await startServer(options);
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
  try {
    await installActiveSampler(context);
    const user = await signUpUser(context, server.url);
    const added = [];
    for (let i = 1; i <= 3; i++) {
      added.push(await user.api.providers.add.mutate({ name: `Provider ${i}`, model: `model-${i}`, apiKey: `sk-crash-${i}-${randomBytes(6).toString("hex")}` }));
    }
    const [p1, p2, p3] = added;
    const [a, b] = await openProvidersTabs(context, 2);
    await expectTabsShowProviders([a!, b!], user.api);

    const held: { status?: number; body?: string } = {};
    const crashed = new Promise<void>((resolve, reject) => {
      // Only the first attempt is intercepted (times: 1); the resends go straight through.
      void a!.route(
        "**/api/trpc/providers.setActive*",
        async (route) => {
          try {
            const response = await route.fetch(); // the server commits and answers…
            held.status = response.status();
            held.body = await response.text();
            server.kill("SIGKILL"); // …and dies before the answer reaches the tab
            await server.exited;
            await route.abort("connectionreset");
            resolve();
          } catch (error) {
            reject(error);
          }
        },
        { times: 1 },
      );
    });
    await a!.getByTestId(`provider-activate-${p2!.id}`).click();
    await crashed;
    expect(held.status, held.body).toBe(200);
    expect(server.exitInfo()?.signal).toBe("SIGKILL");
    const restartedAt = Date.now();
    server = await startServer(options);
    // The tab resends for ~16 s (src/client/live/send.ts): the replacement must be up well before.
    console.log(`[server-crash ${kind}] replacement ready ${Date.now() - restartedAt} ms after the SIGKILL`);

    // The resent activation is answered from its receipt: nothing applied twice.
    await expectLive(a!, 30_000);
    await expectLive(b!, 30_000);
    const stored = await expectTabsShowProviders([a!, b!], user.api, 30_000);
    expect(stored.activeId).toBe(p2!.id);
    const versions = Object.fromEntries(stored.rows.map((row) => [row.id, row.version]));
    expect(versions, "p2 activated once (v1→v2), p1 deactivated once (v1→v2), p3 untouched").toEqual({ [p1!.id]: 2, [p2!.id]: 2, [p3!.id]: 1 });
    await expect(a!.locator('[data-testid^="provider-activate-error-"]')).toHaveCount(0);

    // The restarted server's stream reaches both tabs.
    await user.api.providers.setActive.mutate({ id: p3!.id });
    const after = await expectTabsShowProviders([a!, b!], user.api, 15_000);
    expect(after.activeId).toBe(p3!.id);

    for (const [i, page] of [a!, b!].entries()) {
      const { violations, samples } = await activeSamples(page);
      expect(samples, `tab ${i} sampled the list`).toBeGreaterThan(0);
      expect(violations, `tab ${i} showed other than exactly one active provider, or an older list`).toEqual([]);
    }
  } finally {
    await context.close();
    await server.stop();
    rmSync(secretsDir, { recursive: true, force: true });
    await database.drop();
  }
});

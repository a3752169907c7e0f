import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DATABASES } from "../../harness/databases";
import { useServers } from "../../harness/server-cluster-suite";

const run = promisify(execFile);

/** Runs examples/api-client.ts — the README's script — as its own process against a real server. */
describe.each(DATABASES)("the README's API-client example on %s", (kind) => {
  const server = useServers(kind);

  it("signs up and mints a token, then runs on the token alone: saves idempotently and reports a conflict", async () => {
    const env = { ...process.env, VO_URL: server.url(), VO_EMAIL: `bot-${kind}@example.test`, VO_PASSWORD: "a long password 123" };
    const script = path.resolve("examples/api-client.ts");
    const firstRun = await run(process.execPath, ["--import", "tsx", script], { env });
    const first = JSON.parse(firstRun.stdout.trim());
    expect(first).toEqual({
      email: `bot-${kind}@example.test`,
      savedVersion: 1,
      retriedVersion: 1,
      conflictCurrentVersion: 1,
      watchlist: ["AAPL", "MSFT", "NVDA"],
      version: 1,
    });
    const token = /VO_TOKEN=(vo_\S+)/.exec(firstRun.stderr)?.[1];
    expect(token).toBeDefined();
    // Second run: the token only (no email or password in the environment).
    const { VO_EMAIL: _email, VO_PASSWORD: _password, ...tokenEnv } = env;
    const secondRun = await run(process.execPath, ["--import", "tsx", script], { env: { ...tokenEnv, VO_TOKEN: token } });
    expect(secondRun.stderr).not.toContain("VO_TOKEN=");
    const second = JSON.parse(secondRun.stdout.trim());
    expect(second).toMatchObject({ email: `bot-${kind}@example.test`, savedVersion: 2, retriedVersion: 2, conflictCurrentVersion: 2, version: 2 });
  });
});

/**
 * The e2e web server: a fresh database, then `tsx server.ts` on it.
 *
 *   PORT=3210 tsx tests/e2e/serve.ts sqlite|postgresql   (playwright.config.ts starts it so)
 *
 * Playwright starts web servers before globalSetup and stops them after
 * globalTeardown, so the database's lifetime is owned here instead: a new temp
 * SQLite file, or a uniquely named database on TEST_DATABASE_URL_PG (a shared
 * server: nothing else on it is touched), dropped when Playwright stops us
 * with SIGTERM (config: gracefulShutdown). Builds first if no build exists.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase } from "../harness/databases";

const root = path.resolve(import.meta.dirname, "../..");
const kind = process.argv[2] === "postgresql" ? "postgresql" : "sqlite";
const port = process.env.PORT;
const log = (message: string) => console.log(`[e2e ${kind}] ${message}`);

async function main() {
  if (!port) throw new Error("PORT is not set");
  const dir = mkdtempSync(path.join(os.tmpdir(), `vo-e2e-${kind}-`));
  const { url: databaseUrl, drop: dropDatabase } = await createTestDatabase(kind);
  log(`database ${databaseUrl.replace(/\/\/[^@]*@/, "//")}`);

  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    log("no build found: running next build");
    const build = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (build.status !== 0) throw new Error("next build failed");
  }

  const child: ChildProcess = spawn(path.join(root, "node_modules", ".bin", "tsx"), ["server.ts"], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: port,
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      VO_SECRETS_DIR: dir,
      AUTH_RATE_LIMIT: "off",
      // The alerts suite feeds its own prices as this account (tests/e2e/alerts).
      VO_SIMULATED_FEED: "off",
      VO_FEED_ACCOUNTS: "e2e-feed@example.test",
      VO_ALERT_SWEEP_SECONDS: "1",
    },
  });

  let cleaning: Promise<void> | null = null;
  const cleanUp = (code: number) => {
    cleaning ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
          child.once("exit", () => {
            clearTimeout(force);
            resolve();
          });
        });
      }
      await dropDatabase().catch((error) => log(`could not drop the database: ${error}`));
      rmSync(dir, { recursive: true, force: true });
      process.exit(code);
    })();
  };
  process.on("SIGTERM", () => cleanUp(0));
  process.on("SIGINT", () => cleanUp(0));
  child.on("exit", (code) => {
    log(`server exited (${code})`);
    cleanUp(code ?? 1);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

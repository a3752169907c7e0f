import { existsSync } from "node:fs";
import { defineConfig, type PlaywrightTestConfig } from "@playwright/test";

/**
 * Multi-tab end-to-end suite (docs/architecture.md, "The client cache"), one
 * folder per domain under tests/e2e. Runs against a server on SQLite and, when
 * TEST_DATABASE_URL_PG is set, a second one on PostgreSQL: one project each,
 * on E2E_PORT_SQLITE / E2E_PORT_PG. Each server gets a fresh database
 * (tests/e2e/serve.ts). `next build` must have run (the e2e npm script does
 * it; serve.ts builds if it has not).
 */
const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const SQLITE_PORT = Number(process.env.E2E_PORT_SQLITE ?? 3210);
const PG_PORT = Number(process.env.E2E_PORT_PG ?? 3211);
const withPostgres = Boolean(process.env.TEST_DATABASE_URL_PG);
const MANY_TABS = ["**/settings/many-tabs.spec.ts", "**/alerts/many-tabs-firing.spec.ts"];

const servers = [
  { name: "sqlite", port: SQLITE_PORT },
  ...(withPostgres ? [{ name: "postgresql", port: PG_PORT }] : []),
];

const webServer: PlaywrightTestConfig["webServer"] = servers.map(({ name, port }) => ({
  name,
  command: `node_modules/.bin/tsx tests/e2e/serve.ts ${name}`,
  url: `http://127.0.0.1:${port}/healthz`,
  env: { PORT: String(port) },
  reuseExistingServer: false,
  timeout: 180_000,
  stdout: "ignore",
  stderr: "pipe",
  gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
}));

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.spec.ts",
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  // CI retries a failed test once and reports it as flaky (never silently): a few
  // multi-tab specs have timed out under the suite's own load on two CPUs.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    // Traces cost CPU in every test; CI keeps them for failures.
    trace: process.env.CI ? "retain-on-failure" : "off",
    screenshot: "only-on-failure",
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      // Debian's Chromium here (the apt package); Playwright's own browser where that is missing.
      executablePath: existsSync(chromium) ? chromium : undefined,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
      ],
    },
  },
  projects: [
    ...servers.map(({ name, port }) => ({
      name,
      use: { baseURL: `http://127.0.0.1:${port}` },
      testIgnore: MANY_TABS,
    })),
    // The specs that open 10–12 tabs run last, one at a time: two of them at once
    // (22 tabs and two servers on two CPUs) starved page loads past their 20 s wait,
    // on the code of every stop so far.
    ...servers.map(({ name, port }, i) => ({
      name: `${name} many tabs`,
      use: { baseURL: `http://127.0.0.1:${port}` },
      testMatch: MANY_TABS,
      workers: 1,
      dependencies: i === 0 ? servers.map((s) => s.name) : [`${servers[i - 1]!.name} many tabs`],
    })),
  ],
  webServer,
});

import { randomUUID } from "node:crypto";
import { expect, type BrowserContext, type Page } from "@playwright/test";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
// Type-only: the suite talks to the server over HTTP like any typed client.
import type { AppRouter } from "../../src/server/trpc/root";

export type Api = ReturnType<typeof apiClient>;

export interface TestUser {
  email: string;
  /** The session cookie header, for calls made outside the browser. */
  cookie: string;
  /** A typed tRPC client over plain HTTP with the user's session (not the browser). */
  api: Api;
}

export const SETTING_KEYS = [
  "theme",
  "density",
  "displayTimeZone",
  "chartInterval",
  "watchlist",
  "alertCooldownSeconds",
  "notificationSound",
] as const;
export type Key = (typeof SETTING_KEYS)[number];

export const OPTIONS = {
  theme: ["system", "light", "dark"],
  density: ["compact", "comfortable", "spacious"],
  chartInterval: ["1m", "5m", "15m", "1h", "4h", "1d", "1w"],
  notificationSound: ["none", "chime", "bell", "ping"],
} as const;
export type EnumKey = keyof typeof OPTIONS;

export function apiClient(baseURL: string, cookie: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseURL}/api/trpc`, transformer: superjson, headers: { cookie } })],
  });
}

/** A fresh user, signed in within `context` (the browser's cookie jar) through the REST API. */
export async function signUpUser(context: BrowserContext, baseURL: string): Promise<TestUser> {
  const email = `e2e-${Date.now()}-${randomUUID().slice(0, 8)}@example.test`;
  const response = await context.request.post(`${baseURL}/api/auth/sign-up/email`, {
    data: { email, password: "correct-horse-battery", name: "E2E Trader" },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
  const cookies = await context.cookies(baseURL);
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  expect(cookie).toContain("session_token");
  return { email, cookie, api: apiClient(baseURL, cookie) };
}

/**
 * Records, in every page of the context, each change of a displayed
 * `setting-*-version` element, as it happens (a MutationObserver runs before
 * the browser paints, so no shown state escapes it). Survives nothing across
 * reloads: each document starts a new log.
 */
export async function installVersionRecorder(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const log: Array<{ id: string; version: number; at: number }> = [];
    const now = () => performance.timeOrigin + performance.now(); // epoch ms, comparable with the runner's Date.now()
    const last = new Map<string, number>();
    (window as unknown as { __versionLog: typeof log }).__versionLog = log;
    const scan = () => {
      for (const element of document.querySelectorAll('[data-testid^="setting-"][data-testid$="-version"]')) {
        const id = element.getAttribute("data-testid")!;
        const version = Number((element.textContent ?? "").replace(/^v/, ""));
        if (last.get(id) !== version) {
          last.set(id, version);
          log.push({ id, version, at: now() });
        }
      }
    };
    new MutationObserver(scan).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

export interface VersionChange {
  id: string;
  version: number;
  /** When the page displayed it (epoch ms). */
  at: number;
}

export async function versionLog(page: Page): Promise<VersionChange[]> {
  return page.evaluate(() => (window as unknown as { __versionLog: VersionChange[] }).__versionLog ?? []);
}

/** When the page first displayed `version` (or higher) in element `id`, from the recorder's log. */
export async function firstShown(page: Page, id: string, version: number): Promise<number | undefined> {
  return (await versionLog(page)).find((change) => change.id === id && change.version >= version)?.at;
}

/** Asserts that, per element, the versions a page displayed never went down. */
export async function expectMonotonicVersions(page: Page, label: string): Promise<number> {
  const log = await versionLog(page);
  const byId = new Map<string, number[]>();
  for (const { id, version } of log) byId.set(id, [...(byId.get(id) ?? []), version]);
  for (const [id, versions] of byId) {
    for (let i = 1; i < versions.length; i++) {
      expect(versions[i], `${label} ${id} went from v${versions[i - 1]} to v${versions[i]} (${versions.join(" → ")})`).toBeGreaterThanOrEqual(versions[i - 1]!);
    }
  }
  return log.length;
}

export async function openSettings(page: Page): Promise<void> {
  await page.goto("/settings");
  await expect(page.getByTestId("setting-theme-version")).toBeVisible({ timeout: 20_000 });
}

export async function openSettingsTabs(context: BrowserContext, count: number): Promise<Page[]> {
  const pages = await Promise.all(Array.from({ length: count }, () => context.newPage()));
  await Promise.all(pages.map(openSettings));
  return pages;
}

export async function expectLive(page: Page, timeout = 15_000): Promise<void> {
  await expect(page.getByTestId("stream-status")).toHaveAttribute("data-status", "live", { timeout });
}

export interface Shown {
  version: number;
  value: unknown;
}

/** What a tab displays for every key (from the rows' data attributes). */
export async function displayed(page: Page): Promise<Record<string, Shown>> {
  return page.evaluate(() => {
    const result: Record<string, { version: number; value: unknown }> = {};
    for (const row of document.querySelectorAll<HTMLElement>(".setting[data-testid][data-version]")) {
      const key = row.dataset.testid!.replace(/^setting-/, "");
      result[key] = { version: Number(row.dataset.version), value: JSON.parse(row.dataset.value ?? "null") };
    }
    return result;
  });
}

export async function databaseState(api: Api): Promise<Record<string, Shown>> {
  const list = await api.settings.list.query();
  return Object.fromEntries(list.map((view) => [view.key, { version: view.version, value: view.value }]));
}

/** Waits until every tab displays exactly what the database holds (values and versions). */
export async function expectTabsShowDatabase(pages: Page[], api: Api, timeout = 10_000): Promise<Record<string, Shown>> {
  let db: Record<string, Shown> = {};
  await expect
    .poll(
      async () => {
        db = await databaseState(api);
        const shown = await Promise.all(pages.map(displayed));
        return shown.map((tab) => JSON.stringify(sortKeys(tab)) === JSON.stringify(sortKeys(db)));
      },
      { timeout, message: "every tab shows the database's values and versions" },
    )
    .toEqual(pages.map(() => true));
  return db;
}

function sortKeys(record: Record<string, Shown>) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A barrier across tabs: every tab clicks its elements at the same wall-clock
 * moment (the tabs and the runner share one clock), so the saves really race.
 */
export async function clickTogether(targets: Array<{ page: Page; testIds: string[] }>, leadMs = 300): Promise<void> {
  const at = Date.now() + leadMs;
  await Promise.all(
    targets.map(({ page, testIds }) =>
      page.evaluate(
        ({ ids, at }) =>
          new Promise<void>((resolve, reject) => {
            const elements = ids.map((id) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`));
            if (elements.some((element) => !element)) return reject(new Error(`missing one of ${ids.join(", ")}`));
            setTimeout(() => {
              for (const element of elements) element!.click();
              resolve();
            }, Math.max(0, at - Date.now()));
          }),
        { ids: testIds, at },
      ),
    ),
  );
}

export async function saveState(page: Page, key: Key): Promise<string | null> {
  return page.getByTestId(`save-state-${key}`).getAttribute("data-state");
}

/** Waits until the key's save in this tab has settled; returns how (saved, conflict, error, …). */
export async function settledSaveState(page: Page, key: Key, timeout = 15_000): Promise<string> {
  const state = page.getByTestId(`save-state-${key}`);
  await expect(state).not.toHaveAttribute("data-state", /^(saving|idle)$/, { timeout });
  return (await state.getAttribute("data-state")) ?? "";
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------- Profile ----------

export const PROFILE_FIELDS = ["displayName", "email", "phone", "timezone", "locale", "baseCurrency", "bio", "experience"] as const;
export type ProfileFieldName = (typeof PROFILE_FIELDS)[number];

export async function openProfile(page: Page): Promise<void> {
  await page.goto("/profile");
  await expect(page.getByTestId("profile-version")).toBeVisible({ timeout: 20_000 });
}

export async function openProfileTabs(context: BrowserContext, count: number): Promise<Page[]> {
  const pages = await Promise.all(Array.from({ length: count }, () => context.newPage()));
  await Promise.all(pages.map(openProfile));
  await Promise.all(pages.map((page) => expectLive(page)));
  return pages;
}

/** What a profile tab shows: each control's value ("" for not set) and the version badge. */
export async function shownProfile(page: Page): Promise<{ version: number; values: Record<string, string> }> {
  return page.evaluate((fields) => {
    const values: Record<string, string> = {};
    for (const field of fields) {
      values[field] = document.querySelector<HTMLInputElement>(`[data-testid="profile-field-${field}"]`)?.value ?? "?";
    }
    const version = Number((document.querySelector('[data-testid="profile-version"]')?.textContent ?? "").replace(/^v/, ""));
    return { version, values };
  }, [...PROFILE_FIELDS]);
}

/** The database's profile in the same shape (through the API with the user's session). */
export async function storedProfile(api: Api): Promise<{ version: number; values: Record<string, string> }> {
  const profile = await api.profile.get.query();
  return { version: profile.version, values: Object.fromEntries(PROFILE_FIELDS.map((field) => [field, profile[field] ?? ""])) };
}

/** Waits until every tab shows exactly the stored profile (values and version). */
export async function expectTabsShowProfile(pages: Page[], api: Api, timeout = 10_000) {
  let db = await storedProfile(api);
  await expect
    .poll(
      async () => {
        db = await storedProfile(api);
        const shown = await Promise.all(pages.map(shownProfile));
        return shown.map((tab) => JSON.stringify(tab) === JSON.stringify(db));
      },
      { timeout, message: "every tab shows the stored profile" },
    )
    .toEqual(pages.map(() => true));
  return db;
}

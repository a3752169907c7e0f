import { randomBytes, randomUUID } from "node:crypto";
import { expect, type BrowserContext, type Page } from "@playwright/test";
import { apiClient, expectLive, openTabs, type Api } from "../helpers";

/** The feed account of the e2e server (VO_FEED_ACCOUNTS in tests/e2e/serve.ts): the only one that may ingest prices. */
export const FEED_EMAIL = "e2e-feed@example.test";
const FEED_PASSWORD = "e2e-feed-password-1";

/**
 * A typed client signed in as the feed account. The account is created by
 * whichever test asks first on that server (the others, or a second worker
 * racing it, find it exists and sign in).
 */
export async function feedApi(baseURL: string): Promise<Api> {
  const post = (path: string, body: object) =>
    fetch(`${baseURL}/api/auth/${path}`, { method: "POST", headers: { "content-type": "application/json", origin: baseURL }, body: JSON.stringify(body) });
  const signIn = () => post("sign-in/email", { email: FEED_EMAIL, password: FEED_PASSWORD });
  let response = await signIn();
  if (!response.ok) response = await post("sign-up/email", { email: FEED_EMAIL, password: FEED_PASSWORD, name: "E2E price feed" });
  if (!response.ok) response = await signIn();
  expect(response.ok, `feed account sign-in: ${response.status} ${await response.clone().text()}`).toBeTruthy();
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0])
    .join("; ");
  expect(cookie).toContain("session_token");
  return apiClient(baseURL, cookie);
}

/** A ticker no other test uses (tickers are market data shared by every user of the server). */
export function freshTicker(prefix = "T"): string {
  return `${prefix}${randomBytes(5).toString("hex").toUpperCase()}`.slice(0, 12);
}

/** Ingests one batch of ticks (now) as the feed; returns the sequence numbers per ticker. */
export async function ingest(feed: Api, ticks: Array<[ticker: string, price: number]>) {
  return feed.prices.ingest.mutate({ ticks: ticks.map(([ticker, price]) => ({ ticker, price, at: new Date() })), requestId: randomUUID() });
}

/**
 * Counts, in every page of the context, the calls to HTMLMediaElement.play
 * (the notification sound) — with the time of each — and lets them resolve
 * without playing anything.
 */
export async function installPlayCounter(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const calls: Array<{ at: number; src: string }> = [];
    (window as unknown as { __plays: typeof calls }).__plays = calls;
    HTMLMediaElement.prototype.play = function play(this: HTMLMediaElement) {
      calls.push({ at: Date.now(), src: this.currentSrc || this.src });
      return Promise.resolve();
    };
  });
}

export async function playCalls(page: Page): Promise<Array<{ at: number; src: string }>> {
  return page.evaluate(() => (window as unknown as { __plays?: Array<{ at: number; src: string }> }).__plays ?? []);
}

/**
 * Records, in every page of the context, when each alert row first showed each
 * state (a MutationObserver sees every change before it is painted), so a test
 * can tell when a tab showed "triggered", measured in the page.
 */
export async function installStateRecorder(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { __stateSeen: typeof seen }).__stateSeen = seen;
    const scan = () => {
      for (const row of document.querySelectorAll<HTMLElement>('[data-testid^="alert-row-"][data-state]')) {
        const key = `${row.dataset.testid!.replace(/^alert-row-/, "")}:${row.dataset.state}`;
        seen[key] ??= Date.now();
      }
    };
    new MutationObserver(scan).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
  });
}

/** When the page first showed alert `id` in `state` (epoch ms), if it did. */
export async function firstShownState(page: Page, id: string, state: string): Promise<number | undefined> {
  return page.evaluate((key) => (window as unknown as { __stateSeen?: Record<string, number> }).__stateSeen?.[key], `${id}:${state}`);
}

export async function openAlerts(page: Page): Promise<void> {
  await page.goto("/alerts");
  await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("alerts-summary")).toBeVisible({ timeout: 20_000 });
}

/** `count` tabs on /alerts, each live on the user's event stream. */
export async function openAlertsTabs(context: BrowserContext, count: number): Promise<Page[]> {
  const pages = await openTabs(context, count, openAlerts);
  await Promise.all(pages.map((page) => expectLive(page, 30_000)));
  return pages;
}

/** Toasts of firings shown in the page, by firing id. */
export async function shownToasts(page: Page): Promise<string[]> {
  return page.locator('[data-testid="alert-toast"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-firing-id") ?? ""));
}


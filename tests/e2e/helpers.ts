import { randomUUID } from "node:crypto";
import { expect, type BrowserContext, type Page } from "@playwright/test";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
// Type-only: the suite talks to the server over HTTP like any typed client.
import type { AppRouter } from "../../src/server/trpc/root";

/** Helpers every e2e domain uses; a domain's own helpers sit beside its specs (tests/e2e/<domain>/helpers.ts). */

export type Api = ReturnType<typeof apiClient>;

export interface TestUser {
  email: string;
  /** The session cookie header, for calls made outside the browser. */
  cookie: string;
  /** A typed tRPC client over plain HTTP with the user's session (not the browser). */
  api: Api;
}

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

export async function expectLive(page: Page, timeout = 15_000): Promise<void> {
  await expect(page.getByTestId("stream-status")).toHaveAttribute("data-status", "live", { timeout });
}

/**
 * A barrier across tabs: every tab clicks its elements at the same wall-clock
 * moment (the tabs and the runner share one clock), so the saves really race.
 * Resolves, per target, the test ids that were already chosen (`data-checked`) at
 * the moment of the click.
 */
export async function clickTogether(targets: Array<{ page: Page; testIds: string[] }>, leadMs = 300): Promise<Array<Set<string>>> {
  const at = Date.now() + leadMs;
  return Promise.all(
    targets.map(({ page, testIds }) =>
      page.evaluate(
        ({ ids, at }) =>
          new Promise<string[]>((resolve, reject) => {
            const find = () => ids.map((id) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`));
            if (find().some((element) => !element)) return reject(new Error(`missing one of ${ids.join(", ")}`));
            setTimeout(() => {
              // Looked up again at the moment of the click: a live update may have re-rendered
              // the control since, and a click on the detached old node reaches no handler.
              const elements = find();
              if (elements.some((element) => !element)) return reject(new Error(`missing one of ${ids.join(", ")} at click time`));
              // An option already chosen when its click lands (a live update from another tab
              // got there first) makes the click a no-op: the caller learns which ones.
              const alreadyChosen = ids.filter((_, i) => elements[i]!.hasAttribute("data-checked"));
              for (const element of elements) element!.click();
              resolve(alreadyChosen);
            }, Math.max(0, at - Date.now()));
          }),
        { ids: testIds, at },
      ).then((ids) => new Set(ids)),
    ),
  );
}

/** Opens `count` new tabs in `context`, each with `open` (which waits until its page is loaded). */
export async function openTabs(context: BrowserContext, count: number, open: (page: Page) => Promise<void>): Promise<Page[]> {
  const pages = await Promise.all(Array.from({ length: count }, () => context.newPage()));
  await Promise.all(pages.map(open));
  return pages;
}

/**
 * Waits until every tab shows exactly what is stored: `shown(page)` and
 * `stored()` read in one shape and compared as JSON (a tab that differs is
 * reported as it showed). Returns the stored state that every tab showed.
 */
export async function expectTabsShow<T>(
  pages: Page[],
  stored: () => Promise<T>,
  shown: (page: Page) => Promise<T>,
  options: { message: string; timeout: number },
): Promise<T> {
  let state: T | undefined;
  await expect
    .poll(
      async () => {
        state = await stored();
        const tabs = await Promise.all(pages.map(shown));
        return tabs.map((tab) => JSON.stringify(tab) === JSON.stringify(state) || tab);
      },
      options,
    )
    .toEqual(pages.map(() => true));
  return state!;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

import { expect, type BrowserContext, type Page } from "@playwright/test";
import { PROFILE_FIELDS } from "../../../src/domain/profile/schema";
import { expectLive, expectTabsShow, openTabs, type Api } from "../helpers";

export async function openProfile(page: Page): Promise<void> {
  await page.goto("/profile");
  await expect(page.getByTestId("profile-version")).toBeVisible({ timeout: 20_000 });
}

export async function openProfileTabs(context: BrowserContext, count: number): Promise<Page[]> {
  const pages = await openTabs(context, count, openProfile);
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
  return expectTabsShow(pages, () => storedProfile(api), shownProfile, { timeout, message: "every tab shows the stored profile" });
}

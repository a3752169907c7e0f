import { expect, type BrowserContext, type Page } from "@playwright/test";
import { settingSchemas, type SettingKey } from "../../../src/domain/settings/schema";
import { expectTabsShow, openTabs, type Api } from "../helpers";

/** The options of the settings chosen from a list, in the order the page shows them. */
export const OPTIONS = {
  theme: settingSchemas.theme.options,
  density: settingSchemas.density.options,
  chartInterval: settingSchemas.chartInterval.options,
  notificationSound: settingSchemas.notificationSound.options,
};
export type EnumKey = keyof typeof OPTIONS;

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
  return openTabs(context, count, openSettings);
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
  return expectTabsShow(
    pages,
    async () => sortKeys(await databaseState(api)),
    async (page) => sortKeys(await displayed(page)),
    { timeout, message: "every tab shows the database's values and versions" },
  );
}

function sortKeys(record: Record<string, Shown>) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Waits until the key's save in this tab has settled; returns how (saved, conflict, error, …). */
export async function settledSaveState(page: Page, key: SettingKey, timeout = 15_000): Promise<string> {
  const state = page.getByTestId(`save-state-${key}`);
  await expect(state).not.toHaveAttribute("data-state", /^(saving|idle)$/, { timeout });
  return (await state.getAttribute("data-state")) ?? "";
}

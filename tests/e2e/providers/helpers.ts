import { expect, type BrowserContext, type Page } from "@playwright/test";
import { expectLive, expectTabsShow, openTabs, type Api } from "../helpers";

export interface ActiveViolation {
  at: number;
  source: "mutation" | "frame";
  /** The list's commit sequence number shown, and the highest shown before it. */
  seq: number;
  previousSeq: number;
  checked: number;
  activeRows: number;
  headerId: string | null;
  activeRowId: string | null;
}

/**
 * Records, in every page of the context from its first script on, each moment
 * the providers list is on screen with other than exactly one active provider:
 * checked radios, rows marked data-active, and the shell header naming that
 * same provider — or with a list older (lower commit seq) than one it showed
 * before. A MutationObserver sees every DOM change before the browser paints
 * it; a requestAnimationFrame loop samples every frame besides.
 */
export async function installActiveSampler(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const state = { violations: [] as unknown[], samples: 0, highestSeq: -1 };
    (window as unknown as { __activeSampler: typeof state }).__activeSampler = state;
    const check = (source: "mutation" | "frame") => {
      const list = document.querySelector('[data-testid="providers-list"]');
      if (!list) return;
      state.samples++;
      const checked = list.querySelectorAll('[role="radio"][aria-checked="true"]');
      const activeRows = list.querySelectorAll('[data-active="true"]');
      const activeRowId = activeRows.length === 1 ? activeRows[0]!.getAttribute("data-testid")!.replace(/^provider-/, "") : null;
      const checkedRowId = checked.length === 1 ? checked[0]!.closest("[data-active]")?.getAttribute("data-testid")?.replace(/^provider-/, "") : null;
      const headerId = document.querySelector('[data-testid="active-provider"]')?.getAttribute("data-provider-id") ?? null;
      const seq = Number(list.getAttribute("data-seq"));
      const previousSeq = state.highestSeq;
      state.highestSeq = Math.max(previousSeq, seq);
      if (checked.length !== 1 || activeRows.length !== 1 || checkedRowId !== activeRowId || headerId !== activeRowId || seq < previousSeq) {
        state.violations.push({ at: Date.now(), source, seq, previousSeq, checked: checked.length, activeRows: activeRows.length, headerId, activeRowId });
      }
    };
    new MutationObserver(() => check("mutation")).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    const frame = () => {
      check("frame");
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

export async function activeSamples(page: Page): Promise<{ violations: ActiveViolation[]; samples: number; highestSeq: number }> {
  return page.evaluate(() => {
    const state = (window as unknown as { __activeSampler?: { violations: ActiveViolation[]; samples: number; highestSeq: number } }).__activeSampler;
    return { violations: state?.violations ?? [], samples: state?.samples ?? 0, highestSeq: state?.highestSeq ?? -1 };
  });
}

export async function openProviders(page: Page): Promise<void> {
  await page.goto("/providers");
  await expect(page.getByTestId("active-provider")).toHaveAttribute("data-loaded", "true", { timeout: 20_000 });
  await expect(page.getByRole("heading", { name: "Your providers" })).toBeVisible();
}

export async function openProvidersTabs(context: BrowserContext, count: number): Promise<Page[]> {
  const pages = await openTabs(context, count, openProviders);
  await Promise.all(pages.map((page) => expectLive(page)));
  return pages;
}

export interface ShownProviders {
  /** id → what the row shows. */
  rows: Array<{ id: string; name: string; model: string; hint: string; version: number; active: boolean }>;
  activeId: string | null;
  header: string;
  headerId: string;
}

/** What a providers tab shows, from the rows' data attributes and text. */
export async function shownProviders(page: Page): Promise<ShownProviders> {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="providers-list"] > [data-active]')].map((row) => {
      const id = row.dataset.testid!.replace(/^provider-/, "");
      const text = (testId: string) => row.querySelector(`[data-testid="${testId}-${id}"]`)?.textContent ?? "";
      return { id, name: text("provider-name"), model: text("provider-model"), hint: text("provider-hint"), version: Number(row.dataset.version), active: row.dataset.active === "true" };
    });
    const header = document.querySelector('[data-testid="active-provider"]');
    return {
      rows,
      activeId: rows.find((row) => row.active)?.id ?? null,
      header: header?.textContent ?? "",
      headerId: header?.getAttribute("data-provider-id") ?? "",
    };
  });
}

/** The providers through the API, in the shape the tabs show them. */
export async function storedProviders(api: Api): Promise<ShownProviders> {
  const list = await api.providers.list.query();
  const active = list.find((provider) => provider.isActive);
  return {
    rows: list.map((p) => ({ id: p.id, name: p.name, model: p.model, hint: p.apiKeyHint, version: p.version, active: p.isActive })),
    activeId: active?.id ?? null,
    header: active ? `AI: ${active.name} · ${active.model}` : "No AI provider",
    headerId: active?.id ?? "",
  };
}

/** Waits until every tab shows exactly the stored providers (rows, versions, active one, header). */
export async function expectTabsShowProviders(pages: Page[], api: Api, timeout = 10_000): Promise<ShownProviders> {
  return expectTabsShow(pages, () => storedProviders(api), shownProviders, { timeout, message: "every tab shows the stored providers" });
}

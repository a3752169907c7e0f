import { expect, type BrowserContext, type Page, type Response } from "@playwright/test";
import type { JobView } from "../../../src/domain/jobs/schema";
import { describeSchedule } from "../../../src/client/jobs/meta";
import { expectLive, expectTabsShow, openTabs, type Api } from "../helpers";

export async function openJobs(page: Page): Promise<void> {
  await page.goto("/jobs");
  await expect(page.getByTestId("jobs-list")).toBeVisible({ timeout: 20_000 });
}

export async function openJobsTabs(context: BrowserContext, count: number): Promise<Page[]> {
  const pages = await openTabs(context, count, openJobs);
  await Promise.all(pages.map((page) => expectLive(page)));
  return pages;
}

/** A digest job through the API (daily at 08:00 in London unless told otherwise: no scheduled run during a test). */
export function registerDigest(api: Api, name: string, fields: Partial<Parameters<Api["jobs"]["register"]["mutate"]>[0]> = {}): Promise<JobView> {
  return api.jobs.register.mutate({ name, kind: "digest", schedule: { cron: "0 8 * * *", timeZone: "Europe/London" }, ...fields });
}

export interface ShownJob {
  version: number;
  paused: boolean;
  schedule: string;
  /** Newest first. */
  runs: Array<{ id: string; status: string }>;
}

/** What a tab shows of one job: its card's data attributes, its schedule in words and its run rows. */
export async function shownJob(page: Page, id: string): Promise<ShownJob | null> {
  return page.evaluate((id) => {
    const card = document.querySelector<HTMLElement>(`[data-testid="job-${id}"]`);
    if (!card) return null;
    const rows = [...card.querySelectorAll<HTMLElement>(`table[data-testid="job-runs-${id}"] tbody tr`)];
    return {
      version: Number(card.dataset.version),
      paused: card.dataset.paused === "true",
      schedule: card.querySelector(`[data-testid="job-schedule-${id}"]`)?.textContent ?? "",
      runs: rows.map((row) => ({ id: row.dataset.testid!.replace(/^job-run-/, ""), status: row.dataset.status ?? "" })),
    };
  }, id);
}

/** The job through the API, in the shape a tab shows it (null once deleted). */
export async function storedJob(api: Api, id: string): Promise<ShownJob | null> {
  const list = await api.jobs.list.query();
  const job = list.find((j) => j.id === id);
  if (!job) return null;
  const { runs } = await api.jobs.runs.query({ id, limit: 10 });
  return { version: job.version, paused: job.paused, schedule: describeSchedule(job.schedule), runs: runs.map((run) => ({ id: run.id, status: run.status })) };
}

/** Waits until every tab shows exactly the stored job: version, paused, schedule and runs. */
export function expectTabsShowJob(pages: Page[], api: Api, id: string, timeout = 15_000): Promise<ShownJob | null> {
  return expectTabsShow(pages, () => storedJob(api, id), (page) => shownJob(page, id), { timeout, message: "every tab shows the stored job" });
}

/** The run a `jobs.trigger` response carried (httpBatchLink with superjson: `[{result: {data: {json}}}]`). */
export async function triggeredRunId(response: Response): Promise<string> {
  const body = (await response.json()) as Array<{ result?: { data?: { json?: { id?: string } } } }>;
  const id = body[0]?.result?.data?.json?.id;
  expect(id, "jobs.trigger answered with a run").toBeTruthy();
  return id!;
}

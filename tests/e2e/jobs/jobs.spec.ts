import { expect, test } from "@playwright/test";
import { clickTogether, signUpUser } from "../helpers";
import { expectTabsShowJob, openJobsTabs, registerDigest, shownJob, storedJob, triggeredRunId } from "./helpers";

test("pause in one tab shows in the other; so do a resume there, a pause by an API client and a resume from the keyboard", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const job = await registerDigest(user.api, "Morning digest");
  const id = job.id;
  const [a, b] = await openJobsTabs(context, 2);
  let stored = await expectTabsShowJob([a!, b!], user.api, id);
  expect(stored).toMatchObject({ version: 1, paused: false, schedule: "every day at 08:00, Europe/London", runs: [] });
  for (const page of [a!, b!]) {
    await expect(page.getByTestId(`job-pause-${id}`)).toHaveAttribute("aria-checked", "true");
    await expect(page.getByTestId(`job-next-${id}`)).toHaveAttribute("data-state", "scheduled");
    await expect(page.getByTestId(`job-countdown-${id}`)).toHaveText(/^in \d/);
  }

  await a!.getByTestId(`job-pause-${id}`).click();
  await expect(b!.getByTestId(`job-pause-${id}`)).toHaveAttribute("aria-checked", "false");
  await expect(b!.getByTestId(`job-next-${id}`)).toHaveAttribute("data-state", "paused");
  stored = await expectTabsShowJob([a!, b!], user.api, id);
  expect(stored).toMatchObject({ version: 2, paused: true });

  await b!.getByTestId(`job-pause-${id}`).click();
  await expect(a!.getByTestId(`job-pause-${id}`)).toHaveAttribute("aria-checked", "true");
  await expect(a!.getByTestId(`job-countdown-${id}`)).toHaveText(/^in \d/);
  expect(await expectTabsShowJob([a!, b!], user.api, id)).toMatchObject({ version: 3, paused: false });

  await user.api.jobs.pause.mutate({ id });
  for (const page of [a!, b!]) await expect(page.getByTestId(`job-pause-${id}`)).toHaveAttribute("aria-checked", "false");
  expect(await expectTabsShowJob([a!, b!], user.api, id)).toMatchObject({ version: 4, paused: true });

  await a!.getByTestId(`job-pause-${id}`).focus();
  await a!.keyboard.press("Space");
  for (const page of [a!, b!]) await expect(page.getByTestId(`job-pause-${id}`)).toHaveAttribute("aria-checked", "true");
  expect(await expectTabsShowJob([a!, b!], user.api, id)).toMatchObject({ version: 5, paused: false });
});

test("'Run now' clicked in both tabs at the same moment: both get one run, and both list that one run", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const { id } = await registerDigest(user.api, "Morning digest");
  const [a, b] = await openJobsTabs(context, 2);
  for (const page of [a!, b!]) await expect(page.getByTestId(`job-runs-empty-${id}`)).toBeVisible();

  const answers = [a!, b!].map((page) => page.waitForResponse((response) => response.url().includes("jobs.trigger")));
  await clickTogether([
    { page: a!, testIds: [`job-run-now-${id}`] },
    { page: b!, testIds: [`job-run-now-${id}`] },
  ]);
  const [runA, runB] = await Promise.all(answers.map(async (answer) => triggeredRunId(await answer)));
  expect(runB, "the second trigger coalesced into the first one's run").toBe(runA);

  await expect
    .poll(async () => (await user.api.jobs.runs.query({ id })).runs.map((run) => [run.id, run.reason, run.status]), { timeout: 15_000 })
    .toEqual([[runA, "manual", "succeeded"]]);
  const stored = await expectTabsShowJob([a!, b!], user.api, id);
  expect(stored?.runs).toEqual([{ id: runA, status: "succeeded" }]);
  for (const page of [a!, b!]) {
    await expect(page.locator(`table[data-testid="job-runs-${id}"] tbody tr`)).toHaveCount(1);
    await expect(page.getByTestId(`job-run-${runA}`)).toContainText("Run now");
    await expect(page.getByTestId(`job-last-${id}`)).toHaveAttribute("data-status", "succeeded");
  }
});

test("a schedule edit: a pause elsewhere does not stop it; a schedule saved elsewhere shows both and asks — apply mine, keep theirs", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const { id } = await registerDigest(user.api, "Morning digest");
  const [a, b] = await openJobsTabs(context, 2);
  await expectTabsShowJob([a!, b!], user.api, id);
  const formA = a!.getByTestId(`job-schedule-form-${id}`);
  const time = a!.getByTestId(`job-${id}-schedule-field-time`);

  // Paused by an API client while tab A edits: only the version moved, so A's schedule is saved on top of it.
  await a!.getByTestId(`job-edit-${id}`).click();
  await expect(formA).toBeVisible();
  await time.fill("09:30");
  await expect(a!.getByTestId(`job-${id}-schedule-words`)).toHaveText("Runs every day at 09:30, Europe/London");
  await user.api.jobs.pause.mutate({ id });
  await expect(a!.getByTestId(`job-${id}`)).toHaveAttribute("data-version", "2");
  await a!.getByTestId(`job-schedule-save-${id}`).click();
  await expect(formA).toBeHidden();
  await expect(a!.getByTestId(`job-action-state-${id}`)).toContainText("Schedule saved");
  let stored = await expectTabsShowJob([a!, b!], user.api, id);
  expect(stored).toMatchObject({ version: 3, paused: true, schedule: "every day at 09:30, Europe/London" });

  // Tab B saves another schedule while tab A edits: A's save is refused and A chooses.
  await a!.getByTestId(`job-edit-${id}`).click();
  await time.fill("07:15");
  await b!.getByTestId(`job-edit-${id}`).click();
  await b!.getByTestId(`job-${id}-schedule-mode-interval`).check();
  await b!.getByTestId(`job-${id}-schedule-field-every`).fill("15");
  await b!.getByTestId(`job-${id}-schedule-field-unit`).selectOption("minutes");
  await b!.getByTestId(`job-schedule-save-${id}`).click();
  await expect(b!.getByTestId(`job-schedule-form-${id}`)).toBeHidden();
  await expect(a!.getByTestId(`job-schedule-changed-${id}`)).toContainText("every 15 minutes");
  await expect(time, "a live change does not overwrite what is being typed").toHaveValue("07:15");

  await a!.getByTestId(`job-schedule-save-${id}`).click();
  const conflict = a!.getByTestId(`job-conflict-${id}`);
  await expect(conflict).toBeVisible();
  await expect(conflict.getByTestId("job-conflict-theirs-schedule")).toHaveText("every 15 minutes");
  await expect(conflict.getByTestId("job-conflict-mine-schedule")).toHaveText("every day at 07:15, Europe/London");
  await expect(a!.getByTestId(`job-schedule-state-${id}`)).toHaveAttribute("data-state", "conflict");
  expect((await storedJob(user.api, id))?.schedule, "nothing of A's was saved").toBe("every 15 minutes");
  await a!.screenshot({ path: test.info().outputPath("jobs-schedule-conflict.png") });

  await conflict.getByTestId(`job-apply-mine-${id}`).click();
  await expect(formA).toBeHidden();
  stored = await expectTabsShowJob([a!, b!], user.api, id);
  expect(stored).toMatchObject({ version: 5, schedule: "every day at 07:15, Europe/London" });

  // Keep theirs: an API client reschedules while A edits.
  await a!.getByTestId(`job-edit-${id}`).click();
  await a!.getByTestId(`job-${id}-schedule-mode-cron`).check();
  await a!.getByTestId(`job-${id}-schedule-field-cron`).fill("0 6 * * 1-5");
  await user.api.jobs.updateSchedule.mutate({ id, schedule: { everySeconds: 3_600 } });
  await a!.getByTestId(`job-schedule-save-${id}`).click();
  await expect(conflict).toBeVisible();
  await expect(conflict.getByTestId("job-conflict-mine-schedule")).toHaveText("Monday to Friday at 06:00, Europe/London");
  await conflict.getByTestId(`job-keep-theirs-${id}`).click();
  await expect(formA).toBeHidden();
  stored = await expectTabsShowJob([a!, b!], user.api, id);
  expect(stored).toMatchObject({ version: 6, schedule: "every hour" });
});

test("register from the form with the kind's fields and errors beside them, seen in both tabs; delete after confirming", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const [a, b] = await openJobsTabs(context, 2);
  for (const page of [a!, b!]) await expect(page.getByTestId("jobs-empty")).toBeVisible();

  // Only trader kinds are offered, and the kind's params become fields.
  const kind = a!.getByTestId("job-register-field-kind");
  await expect(kind.locator("option")).toHaveText(["Digest"]);
  const period = a!.getByTestId("job-register-field-param-periodHours");
  await expect(period).toHaveValue("24");

  await a!.getByTestId("job-register-field-name").fill("Evening digest");
  await period.fill("0");
  await a!.getByTestId("job-register-mode-cron").check();
  await a!.getByTestId("job-register-field-cron").fill("0 61 * * *");
  await a!.getByTestId("job-register-field-timeZone").fill("Mars/Olympus");
  await a!.getByTestId("job-register-submit").click();
  await expect(a!.getByTestId("job-register-error-param-periodHours")).toHaveText("at least 1 hour");
  await expect(a!.getByTestId("job-register-error-timeZone")).toContainText("not an IANA time zone");
  await expect(a!.getByTestId("job-register-status")).toHaveAttribute("data-state", "error");
  expect(await user.api.jobs.list.query(), "nothing was registered").toEqual([]);

  await period.fill("12");
  await expect(a!.getByTestId("job-register-error-param-periodHours")).toBeHidden();
  await a!.getByTestId("job-register-field-timeZone").fill("Europe/London");
  await a!.getByTestId("job-register-submit").click();
  await expect(a!.getByTestId("job-register-error-cron")).toContainText("not a cron expression");
  await a!.getByTestId("job-register-field-cron").fill("0 18 * * 1-5");
  await expect(a!.getByTestId("job-register-words")).toHaveText("Runs Monday to Friday at 18:00, Europe/London");
  await a!.getByTestId("job-register-field-cron").press("Enter");
  await expect(a!.getByTestId("job-register-status")).toHaveAttribute("data-state", "registered");
  await expect(a!.getByTestId("job-register-field-name")).toHaveValue("");

  const [registered] = await user.api.jobs.list.query();
  expect(registered).toMatchObject({ name: "Evening digest", kind: "digest", params: { periodHours: 12 }, schedule: { cron: "0 18 * * 1-5", timeZone: "Europe/London" } });
  const id = registered!.id;
  expect(await expectTabsShowJob([a!, b!], user.api, id)).toMatchObject({ version: 1, schedule: "Monday to Friday at 18:00, Europe/London" });

  // The same name again: refused, said beside the form.
  await a!.getByTestId("job-register-field-name").fill("Evening digest");
  await a!.getByTestId("job-register-submit").click();
  await expect(a!.getByTestId("job-register-status")).toContainText("already exists");

  // Delete in tab B, after confirming (cancel first).
  await b!.getByTestId(`job-delete-${id}`).click();
  const dialog = b!.getByTestId("job-delete-dialog");
  await expect(dialog).toContainText("Delete “Evening digest”?");
  await b!.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  expect(await storedJob(user.api, id), "cancel deletes nothing").not.toBeNull();
  await b!.getByTestId(`job-delete-${id}`).click();
  await b!.getByTestId("job-delete-confirm").click();
  await expect(dialog).toBeHidden();
  for (const page of [a!, b!]) {
    await expect(page.getByTestId(`job-${id}`)).toBeHidden();
    await expect(page.getByTestId("jobs-empty")).toBeVisible();
  }
  expect(await user.api.jobs.list.query()).toEqual([]);
});

test("the page shows each job's history and a live countdown (screenshot)", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const morning = await registerDigest(user.api, "Morning digest");
  const pulse = await registerDigest(user.api, "Intraday pulse", { schedule: { everySeconds: 10 }, params: { periodHours: 1 } });
  await registerDigest(user.api, "Weekly review", { schedule: { cron: "30 7 * * 1", timeZone: "America/New_York" }, params: { periodHours: 168 }, paused: true });
  for (let i = 0; i < 3; i++) {
    const run = await user.api.jobs.trigger.mutate({ id: morning.id });
    await expect.poll(async () => (await user.api.jobs.runs.query({ id: morning.id })).runs.find((r) => r.id === run.id)?.status, { timeout: 15_000 }).toBe("succeeded");
  }
  const [page] = await openJobsTabs(context, 1);
  await expect(page!.locator(`table[data-testid="job-runs-${morning.id}"] tbody tr`)).toHaveCount(3);
  // The every-10-seconds job runs on its own and shows up live.
  await expect(page!.locator(`table[data-testid="job-runs-${pulse.id}"] tbody tr[data-status="succeeded"][data-reason="schedule"]`).first()).toBeVisible({ timeout: 20_000 });

  const countdown = page!.getByTestId(`job-countdown-${morning.id}`);
  const before = await countdown.textContent();
  await expect(countdown).not.toHaveText(before!, { timeout: 3_000 });
  await expect(countdown).toHaveText(/^in \d+ (d|h|min|s)/);
  expect(await shownJob(page!, morning.id)).toMatchObject({ paused: false, schedule: "every day at 08:00, Europe/London" });

  await page!.screenshot({ path: test.info().outputPath("jobs-page.png"), fullPage: true });
});

import { expect, test } from "@playwright/test";
import { expectLive, signUpUser } from "../helpers";
import { feedApi, freshTicker, ingest, openAlerts } from "./helpers";

test("create from the watchlist with the default cooldown, field errors beside the fields, one alert for a retried create, live in a second tab", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const feed = await feedApi(baseURL!);
  const [first, second] = [freshTicker("W"), freshTicker("W")];
  await ingest(feed, [[first, 50.1], [second, 20]]);
  await user.api.settings.set.mutate({ key: "watchlist", value: [first, second] });
  await user.api.settings.set.mutate({ key: "alertCooldownSeconds", value: 45 });
  const a = await context.newPage();
  const b = await context.newPage();
  await openAlerts(a);
  await openAlerts(b);
  await expectLive(a);
  await expectLive(b);

  // The ticker defaults to the first of the watchlist; the cooldown to the setting; the last price is shown.
  await expect(a.getByTestId("alert-new-field-ticker")).toHaveValue(first);
  await expect(a.getByTestId("alert-new-field-cooldownSeconds")).toHaveValue("45");
  await expect(a.locator("#alert-new-tickers option")).toHaveCount(2);
  await expect(a.locator("#alert-new-threshold-hint")).toContainText("Last 50.10");

  // Field errors appear beside their fields and nothing is sent.
  await a.getByTestId("alert-new-field-ticker").fill("bad ticker!");
  await a.getByTestId("alert-new-field-threshold").fill("-5");
  await a.getByTestId("alert-new-field-cooldownSeconds").fill("100000");
  await a.getByTestId("alert-new-submit").click();
  await expect(a.getByTestId("alert-new-error-ticker")).toBeVisible();
  await expect(a.getByTestId("alert-new-error-threshold")).toHaveText("must be positive");
  await expect(a.getByTestId("alert-new-error-cooldownSeconds")).toContainText("at most one day");
  await expect(a.getByTestId("alert-new-field-threshold")).toHaveAttribute("aria-invalid", "true");
  expect(await user.api.alerts.list.query()).toHaveLength(0);
  // Typing in a field clears its error.
  await a.getByTestId("alert-new-field-threshold").fill("51");
  await expect(a.getByTestId("alert-new-error-threshold")).toHaveCount(0);

  // The first answer is lost on the way back (the server did create it): the retry carries
  // the same request id, so the server answers with the first result and nothing is created twice.
  let dropped = 0;
  await a.route("**/api/trpc/alerts.create**", async (route) => {
    if (dropped++ === 0) {
      await route.fetch();
      await route.abort("connectionreset");
    } else {
      await route.continue();
    }
  });
  await a.getByTestId("alert-new-field-ticker").fill(second.toLowerCase());
  await a.getByTestId("alert-new-field-cooldownSeconds").fill("");
  await a.getByTestId("alert-new-field-threshold").fill("21.5");
  await a.getByTestId("alert-new-field-note").fill("retried create");
  // Keyboard: Enter in a field submits.
  await a.getByTestId("alert-new-field-note").press("Enter");
  await expect(a.getByTestId("alert-new-status")).toHaveAttribute("data-state", "created", { timeout: 15_000 });
  expect(dropped).toBe(2);
  const alerts = await user.api.alerts.list.query();
  expect(alerts, "one alert for the retried create").toHaveLength(1);
  expect(alerts[0]).toMatchObject({ ticker: second, threshold: 21.5, condition: "crossesUp", cooldownSeconds: 45, note: "retried create", state: "armed" });
  await a.unroute("**/api/trpc/alerts.create**");

  // Both tabs show it with its live price and distance (21.5 − 20 = +1.50, +7.50%).
  for (const page of [a, b]) {
    const row = page.getByTestId(`alert-row-${alerts[0]!.id}`);
    await expect(row).toHaveAttribute("data-state", "armed");
    await expect(page.getByTestId(`alert-last-${alerts[0]!.id}`)).toHaveText("20.00");
    await expect(page.getByTestId(`alert-distance-${alerts[0]!.id}`)).toContainText("+1.50");
    await expect(page.getByTestId(`alert-distance-${alerts[0]!.id}`)).toContainText("+7.50%");
    await expect(row).toContainText("45 s cooldown");
  }
  // A new tick moves the price and the distance in both tabs.
  await ingest(feed, [[second, 21]]);
  for (const page of [a, b]) await expect(page.getByTestId(`alert-distance-${alerts[0]!.id}`)).toContainText("+2.38%");
});

test("edit with expectedVersion: a firing meanwhile is not a conflict, a threshold changed elsewhere is; rearm, disable, enable and delete with confirmation", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const feed = await feedApi(baseURL!);
  const ticker = freshTicker("E");
  await ingest(feed, [[ticker, 10]]);
  const alert = await user.api.alerts.create.mutate({ ticker, condition: "above", threshold: 12, mode: "once", cooldownSeconds: 0 });
  const a = await context.newPage();
  const b = await context.newPage();
  await openAlerts(a);
  await openAlerts(b);
  await expectLive(a);
  await expectLive(b);
  const row = (page: typeof a) => page.getByTestId(`alert-row-${alert.id}`);

  // Edit the note in A; meanwhile the alert fires (its version moves, the note does not): the save goes through.
  await a.getByTestId(`alert-edit-button-${alert.id}`).click();
  await a.getByTestId(`alert-${alert.id}-field-note`).fill("scale in");
  await ingest(feed, [[ticker, 12.5]]);
  for (const page of [a, b]) await expect(row(page)).toHaveAttribute("data-state", "triggered");
  await a.getByTestId(`alert-save-${alert.id}`).click();
  await expect(a.getByTestId(`alert-edit-${alert.id}`)).toBeHidden();
  let stored = (await user.api.alerts.list.query())[0]!;
  expect(stored).toMatchObject({ note: "scale in", state: "triggered", fireCount: 1 });
  for (const page of [a, b]) await expect(row(page)).toHaveAttribute("data-version", String(stored.version));

  // Rearm in B (the price is back under the threshold first, or it would fire again at once); it shows armed in both.
  await ingest(feed, [[ticker, 11]]);
  for (const page of [a, b]) await expect(page.getByTestId(`alert-last-${alert.id}`)).toHaveText("11.00");
  await b.getByTestId(`alert-rearm-${alert.id}`).click();
  for (const page of [a, b]) await expect(row(page)).toHaveAttribute("data-state", "armed");

  // Edit the threshold in A while an API client changes it: the conflict panel shows both.
  await a.getByTestId(`alert-edit-button-${alert.id}`).click();
  await a.getByTestId(`alert-${alert.id}-field-threshold`).fill("14");
  const theirs = await user.api.alerts.update.mutate({ id: alert.id, threshold: 13 });
  await a.getByTestId(`alert-save-${alert.id}`).click();
  const panel = a.getByTestId(`alert-conflict-${alert.id}`);
  await expect(panel).toBeVisible();
  await expect(a.getByTestId("alert-conflict-theirs-threshold")).toHaveText("13");
  await expect(a.getByTestId("alert-conflict-mine-threshold")).toHaveText("14");
  expect((await user.api.alerts.list.query())[0]!.threshold, "nothing of mine was saved").toBe(13);
  await a.getByTestId(`alert-apply-mine-${alert.id}`).click();
  await expect(a.getByTestId(`alert-edit-${alert.id}`)).toBeHidden();
  stored = (await user.api.alerts.list.query())[0]!;
  expect(stored).toMatchObject({ threshold: 14, version: theirs.version + 1 });
  for (const page of [a, b]) await expect(page.getByTestId(`alert-condition-${alert.id}`)).toContainText("14.00");

  // Disable, then enable.
  await a.getByTestId(`alert-disable-${alert.id}`).click();
  for (const page of [a, b]) await expect(row(page)).toHaveAttribute("data-state", "disabled");
  await b.getByTestId(`alert-enable-${alert.id}`).click();
  for (const page of [a, b]) await expect(row(page)).toHaveAttribute("data-state", "armed");

  // Delete asks first; Escape cancels; confirming removes it in both tabs.
  await a.getByTestId(`alert-delete-${alert.id}`).click();
  await expect(a.getByTestId("alert-delete-dialog")).toBeVisible();
  await a.keyboard.press("Escape");
  await expect(a.getByTestId("alert-delete-dialog")).toBeHidden();
  expect(await user.api.alerts.list.query()).toHaveLength(1);
  await a.getByTestId(`alert-delete-${alert.id}`).click();
  await a.getByTestId("alert-delete-confirm").click();
  await expect(a.getByTestId("alert-delete-dialog")).toBeHidden();
  for (const page of [a, b]) {
    await expect(row(page)).toHaveCount(0);
    await expect(page.getByTestId("alerts-empty")).toBeVisible();
  }
  expect(await user.api.alerts.list.query()).toHaveLength(0);
});

test("an alert's detail: chart of its ticks with the threshold line and a marker per firing, live", async ({ context, baseURL, page }) => {
  const user = await signUpUser(context, baseURL!);
  const feed = await feedApi(baseURL!);
  const ticker = freshTicker("D");
  for (const price of [30, 30.4, 30.2, 30.6]) await ingest(feed, [[ticker, price]]);
  const alert = await user.api.alerts.create.mutate({ ticker, condition: "crossesDown", threshold: 30.1, mode: "rearm", cooldownSeconds: 0 });
  await page.goto(`/alerts/${alert.id}`);
  await expectLive(page);
  const chart = page.getByTestId("alert-chart");
  await expect(chart).toHaveAttribute("data-points", "4");
  await expect(chart).toHaveAttribute("data-markers", "0");
  await expect(page.getByTestId("alert-detail-last")).toHaveText("30.60");
  await expect(page.locator("canvas").first()).toBeVisible();

  await ingest(feed, [[ticker, 30.05]]);
  await expect(page.getByTestId("alert-detail-last")).toHaveText("30.05");
  await expect(page.getByTestId("alert-detail-fire-count")).toHaveText("1×");
  await expect(chart).toHaveAttribute("data-points", "5");
  await expect(chart).toHaveAttribute("data-markers", "1");
  await ingest(feed, [[ticker, 30.3]]);
  await expect(page.getByTestId("alert-detail-last")).toHaveText("30.30");
  await ingest(feed, [[ticker, 29.9]]);
  await expect(page.getByTestId("alert-detail-fire-count")).toHaveText("2×");
  await expect(chart).toHaveAttribute("data-points", "7");
  await expect(chart).toHaveAttribute("data-markers", "2");
  await expect(page.getByTestId(`firings-${alert.id}`).locator("tbody tr")).toHaveCount(2);
  await page.screenshot({ path: test.info().outputPath("alert-detail.png"), fullPage: true });
});

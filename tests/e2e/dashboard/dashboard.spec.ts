import { expect, test } from "@playwright/test";
import { expectLive, signUpUser } from "../helpers";
import { feedApi, freshTicker, ingest } from "../alerts/helpers";

test("signed out, / goes to sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("the dashboard at /: watchlist prices and sparklines move live in two tabs over one price connection; firings, closest alerts and next jobs", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const feed = await feedApi(baseURL!);
  const [up, down] = [freshTicker("U"), freshTicker("V")];
  await ingest(feed, [[up, 100], [down, 50]]);
  await ingest(feed, [[up, 100.5], [down, 49.8]]);
  await user.api.settings.set.mutate({ key: "watchlist", value: [up, down] });
  const near = await user.api.alerts.create.mutate({ ticker: down, condition: "below", threshold: 49.5, mode: "once" });
  const far = await user.api.alerts.create.mutate({ ticker: up, condition: "above", threshold: 120, mode: "once" });
  const job = await user.api.jobs.register.mutate({ name: "Morning digest", kind: "digest", schedule: { cron: "0 8 * * *", timeZone: "Europe/London" } });

  const a = await context.newPage();
  const b = await context.newPage();
  for (const page of [a, b]) {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId("nav-dashboard")).toHaveAttribute("aria-current", "page");
    await expectLive(page);
  }
  const priceRoles = await Promise.all([a, b].map((page) => page.getByTestId("prices-status").getAttribute("data-role")));
  await expect.poll(async () => (await Promise.all([a, b].map((page) => page.getByTestId("prices-status").getAttribute("data-role")))).sort()).toEqual(["follower", "leader"]);
  expect(priceRoles).toHaveLength(2);

  for (const page of [a, b]) {
    await expect(page.getByTestId(`watch-price-${up}`)).toHaveText("100.50");
    await expect(page.getByTestId(`watch-price-${down}`)).toHaveText("49.80");
    await expect(page.getByTestId(`watch-change-${up}`)).toContainText("+0.50");
    await expect(page.getByTestId(`watch-${up}`).locator(".sparkline")).toHaveAttribute("data-points", "2");
    // Closest first: 49.5 is 0.6 % under 49.80; 120 is 19 % over 100.50.
    await expect(page.getByTestId("closest-alerts").locator("tbody tr")).toHaveCount(2);
    await expect(page.getByTestId("closest-alerts").locator("tbody tr").first()).toHaveAttribute("data-testid", `closest-${near.id}`);
    await expect(page.getByTestId(`next-job-${job.id}`)).toContainText("Morning digest");
    await expect(page.getByTestId("firings-empty")).toBeVisible();
  }

  // Ticks move the prices, the change and the sparklines in both tabs.
  for (const [i, price] of [101.25, 102, 101.75].entries()) {
    await ingest(feed, [[up, price]]);
    for (const page of [a, b]) {
      await expect(page.getByTestId(`watch-price-${up}`)).toHaveAttribute("data-price", String(price));
      await expect(page.getByTestId(`watch-${up}`).locator(".sparkline")).toHaveAttribute("data-points", String(3 + i));
    }
  }
  for (const page of [a, b]) await expect(page.getByTestId(`watch-change-${up}`)).toContainText("+1.75");
  await a.screenshot({ path: test.info().outputPath("dashboard.png"), fullPage: true });

  // The near alert fires: both tabs list the firing, and the nav counts it as unseen.
  await ingest(feed, [[down, 49.4]]);
  for (const page of [a, b]) {
    await expect(page.getByTestId("firings").locator("tbody tr")).toHaveCount(1);
    await expect(page.getByTestId("unseen-firings")).toHaveText("1");
    await expect(page.locator('[data-testid="alert-toast"]')).toHaveCount(1);
    await expect(page.getByTestId("closest-alerts").locator("tbody tr")).toHaveCount(1);
    await expect(page.getByTestId(`closest-${far.id}`)).toBeVisible();
  }
  // Visiting /alerts in one tab marks it seen in both.
  await b.getByTestId("nav-alerts").click();
  await expect(b).toHaveURL(/\/alerts$/);
  for (const page of [a, b]) await expect(page.getByTestId("unseen-firings")).toHaveCount(0);
});

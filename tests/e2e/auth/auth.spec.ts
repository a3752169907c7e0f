import { expect, test } from "@playwright/test";

test("sign up, the shell, sign out and sign in again", async ({ page }) => {
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/sign-in$/);

  const email = `ui-${Date.now()}@example.test`;
  await page.goto("/sign-up");
  await page.getByTestId("auth-name").fill("UI Trader");
  await page.getByTestId("auth-email").fill(email);
  await page.getByTestId("auth-password").fill("short");
  await page.getByTestId("auth-submit").click();
  await expect(page).toHaveURL(/\/sign-up$/); // the browser refuses a password under 8 characters
  await page.getByTestId("auth-password").fill("long-enough-password");
  await page.getByTestId("auth-submit").click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await expect(page.getByTestId("nav-settings")).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText(["Dashboard", "Alerts", "Settings", "Profile", "Providers", "Jobs", "Account"]);
  await expect(page.getByTestId("stream-status")).toHaveAttribute("data-status", "live");
  await page.getByTestId("nav-profile").click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByTestId("nav-profile")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("profile-version")).toHaveText("v0");

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.getByTestId("auth-email").fill(email);
  await page.getByTestId("auth-password").fill("wrong-password");
  await page.getByTestId("auth-submit").click();
  await expect(page.getByTestId("auth-error")).toBeVisible();
  await page.getByTestId("auth-password").fill("long-enough-password");
  await page.getByTestId("auth-submit").click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByTestId("setting-theme-version")).toHaveText("v0");
});

test("invalid input is caught before it is sent", async ({ page }) => {
  const email = `ui-${Date.now()}@example.test`;
  const response = await page.request.post("/api/auth/sign-up/email", { data: { email, password: "long-enough-password", name: "V" } });
  expect(response.ok()).toBeTruthy();
  await page.goto("/settings");
  await page.getByTestId("setting-displayTimeZone-input").fill("Mars/Olympus");
  await expect(page.getByTestId("setting-displayTimeZone-error")).toBeVisible();
  await expect(page.getByTestId("setting-displayTimeZone-save")).toBeDisabled();
  await page.getByTestId("setting-displayTimeZone-input").fill("Europe/London");
  await page.getByTestId("setting-displayTimeZone-save").click();
  await expect(page.getByTestId("save-state-displayTimeZone")).toHaveAttribute("data-state", "saved");
  await expect(page.getByTestId("setting-displayTimeZone-version")).toHaveText("v1");

  await page.getByTestId("setting-alertCooldownSeconds-input").fill("90000");
  await expect(page.getByTestId("setting-alertCooldownSeconds-error")).toBeVisible();
  await page.getByTestId("setting-watchlist-input").fill("$$$");
  await page.getByTestId("setting-watchlist-add").click();
  await expect(page.getByTestId("setting-watchlist-error")).toBeVisible();
});

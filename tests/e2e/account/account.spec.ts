import { expect, test } from "@playwright/test";
import { signUpUser } from "../helpers";

test("a token is shown once, works as a bearer, and a revoke in one tab shows in the other and ends it", async ({ context, baseURL }) => {
  await signUpUser(context, baseURL!);
  const [a, b] = [await context.newPage(), await context.newPage()];
  for (const page of [a, b]) await page.goto("/account");
  await expect(a.getByTestId("tokens-empty")).toBeVisible();

  await a.getByPlaceholder("e.g. rebalancing bot").fill("Rebalancer");
  await a.getByRole("button", { name: "Create token" }).click();
  const secretBox = a.getByRole("textbox", { name: "New API token" });
  await expect(secretBox).toHaveValue(/^vo_/);
  const secret = await secretBox.inputValue();
  await a.screenshot({ path: test.info().outputPath("account-new-token.png"), fullPage: true });

  // The other tab learns of the token through the stream, without its secret.
  await expect(b.getByTestId("token-row")).toHaveCount(1);
  await expect(b.getByTestId("token-row")).toContainText("Rebalancer");
  await expect(b.getByTestId("token-secret")).toHaveCount(0);
  expect(await b.content()).not.toContain(secret.slice(11));

  const me = await fetch(`${baseURL}/api/trpc/account.me`, { headers: { authorization: `Bearer ${secret}` } });
  expect(me.status).toBe(200);

  // Once dismissed or reloaded, the secret is gone for good.
  await a.getByRole("button", { name: "Done" }).click();
  await a.reload();
  await expect(a.getByTestId("token-row")).toHaveCount(1);
  expect(await a.content()).not.toContain(secret.slice(11));

  await b.getByRole("button", { name: "Revoke Rebalancer" }).click();
  await b.getByRole("button", { name: "Revoke now" }).click();
  await expect(a.getByTestId("token-row")).toHaveAttribute("data-status", "revoked");
  const after = await fetch(`${baseURL}/api/trpc/account.me`, { headers: { authorization: `Bearer ${secret}` } });
  expect(after.status).toBe(401);
  await a.screenshot({ path: test.info().outputPath("account.png"), fullPage: true });
});

test("sign out everywhere ends every session and sends every tab to sign-in", async ({ context, baseURL }) => {
  await signUpUser(context, baseURL!);
  const [a, b] = [await context.newPage(), await context.newPage()];
  await a.goto("/account");
  await b.goto("/settings");
  await expect(a.getByTestId("session-row")).toHaveCount(1);
  await expect(a.getByText("this session")).toBeVisible();
  await a.getByTestId("sign-out-everywhere").click();
  await a.getByRole("button", { name: "Sign out everywhere", exact: true }).click();
  await expect(a).toHaveURL(/\/sign-in/);
  await expect(b).toHaveURL(/\/sign-in/);
});

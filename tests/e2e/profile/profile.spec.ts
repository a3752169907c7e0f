import { expect, test } from "@playwright/test";
import { clickTogether, signUpUser } from "../helpers";
import { expectTabsShowProfile, openProfileTabs } from "./helpers";

test("two tabs saving different fields at the same moment both persist, and both tabs show both", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const [a, b] = await openProfileTabs(context, 2);
  await expect(a!.getByTestId("profile-version")).toHaveText("v0");

  await a!.getByTestId("profile-field-email").fill("tab-a@example.com");
  await b!.getByTestId("profile-field-phone").fill("+14155550123");
  await expect(a!.getByTestId("profile-field-email")).toHaveAttribute("data-dirty", "true");

  await clickTogether([
    { page: a!, testIds: ["profile-save"] },
    { page: b!, testIds: ["profile-save"] },
  ]);
  // Different fields: neither save names the other's field, so both succeed.
  await expect(a!.getByTestId("profile-save-state")).toHaveAttribute("data-state", "saved");
  await expect(b!.getByTestId("profile-save-state")).toHaveAttribute("data-state", "saved");

  const db = await expectTabsShowProfile([a!, b!], user.api);
  expect(db.version).toBe(2);
  expect(db.values).toMatchObject({ email: "tab-a@example.com", phone: "+14155550123" });
  for (const page of [a!, b!]) {
    await expect(page.getByTestId("profile-field-email")).toHaveValue("tab-a@example.com");
    await expect(page.getByTestId("profile-field-phone")).toHaveValue("+14155550123");
  }
});

test("a field changed underneath an edit is not clobbered; saving it asks, and apply mine stores it as a newer version", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const [a, b] = await openProfileTabs(context, 2);
  const emailA = a!.getByTestId("profile-field-email");
  const conflict = a!.getByTestId("profile-conflict");

  await emailA.fill("mine@example.com");
  await b!.getByTestId("profile-field-email").fill("theirs@example.com");
  await b!.getByTestId("profile-save").click();
  await expect(b!.getByTestId("profile-save-state")).toHaveAttribute("data-state", "saved");

  await expect(a!.getByTestId("profile-version")).toHaveText("v1");
  await expect(a!.getByTestId("profile-changed-email")).toContainText("Changed in another tab/device: theirs@example.com");
  await expect(emailA, "the live update does not overwrite what is being typed").toHaveValue("mine@example.com");
  await a!.getByTestId("profile-changed-email").scrollIntoViewIfNeeded();
  await a!.screenshot({ path: test.info().outputPath("profile-changed-underneath.png") });

  await a!.getByTestId("profile-save").click();
  await expect(conflict).toBeVisible();
  await expect(a!.getByTestId("profile-save-state")).toHaveAttribute("data-state", "conflict");
  await expect(a!.getByTestId("profile-conflict-theirs-email")).toHaveText("theirs@example.com");
  await expect(a!.getByTestId("profile-conflict-mine-email")).toHaveText("mine@example.com");
  expect(await user.api.profile.get.query()).toMatchObject({ version: 1, email: "theirs@example.com" });
  await a!.screenshot({ path: test.info().outputPath("profile-conflict.png"), fullPage: true });

  await a!.getByTestId("profile-apply-mine-email").click();
  await expect(conflict).toBeHidden();
  await expect(a!.getByTestId("profile-save-state")).toHaveAttribute("data-state", "saved");
  const db = await expectTabsShowProfile([a!, b!], user.api);
  expect(db.version).toBe(2);
  expect(db.values.email).toBe("mine@example.com");
  await expect(b!.getByTestId("profile-field-email")).toHaveValue("mine@example.com");
});

test("keep theirs adopts the stored value; the failed save wrote nothing, and its other fields go with the next save", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const [a, b] = await openProfileTabs(context, 2);
  await a!.getByTestId("profile-field-email").fill("mine@example.com");
  await a!.getByTestId("profile-field-locale").fill("en-GB");

  // An API client changes the email meanwhile.
  const theirs = await user.api.profile.update.mutate({ patch: { email: "api@example.com" }, base: { email: null } });
  expect(theirs.version).toBe(1);
  await expect(a!.getByTestId("profile-changed-email")).toContainText("api@example.com");

  await a!.getByTestId("profile-save").click();
  await expect(a!.getByTestId("profile-conflict")).toBeVisible();
  await expect(a!.getByTestId("profile-conflict-email")).toBeVisible();
  await expect(a!.getByTestId("profile-conflict-locale"), "only the changed-underneath field conflicts").toHaveCount(0);
  // All or nothing: the locale was not written either, and stays an unsaved change.
  expect(await user.api.profile.get.query()).toMatchObject({ version: 1, email: "api@example.com", locale: null });
  await expect(a!.getByTestId("profile-field-locale")).toHaveAttribute("data-dirty", "true");

  await a!.getByTestId("profile-keep-theirs-email").click();
  await expect(a!.getByTestId("profile-conflict")).toBeHidden();
  await expect(a!.getByTestId("profile-field-email")).toHaveValue("api@example.com");
  await expect(a!.getByTestId("profile-field-email")).not.toHaveAttribute("data-dirty", "true");
  await expect(a!.getByTestId("profile-field-locale")).toHaveValue("en-GB");

  await a!.getByTestId("profile-save").click();
  await expect(a!.getByTestId("profile-save-state")).toHaveAttribute("data-state", "saved");
  const db = await expectTabsShowProfile([a!, b!], user.api);
  expect(db).toMatchObject({ version: 2, values: { email: "api@example.com", locale: "en-GB" } });
});

test("fields not being edited update live; edited ones keep their text; bad input is refused before sending", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const [a, b] = await openProfileTabs(context, 2);
  await a!.getByTestId("profile-field-bio").fill("Swing trader");
  await expect(a!.getByTestId("profile-bio-count")).toHaveText("12 / 1000");

  await b!.getByTestId("profile-field-displayName").fill("Grace");
  await b!.getByTestId("profile-field-timezone").fill("Asia/Tokyo");
  await b!.getByTestId("profile-field-experience").selectOption("advanced");
  await b!.getByTestId("profile-save").click();
  await expect(b!.getByTestId("profile-save-state")).toHaveAttribute("data-state", "saved");

  await expect(a!.getByTestId("profile-version")).toHaveText("v1");
  await expect(a!.getByTestId("profile-field-displayName")).toHaveValue("Grace");
  await expect(a!.getByTestId("profile-field-timezone")).toHaveValue("Asia/Tokyo");
  await expect(a!.getByTestId("profile-field-experience")).toHaveValue("advanced");
  await expect(a!.getByTestId("profile-field-bio")).toHaveValue("Swing trader");
  await expect(a!.getByTestId("profile-changed-bio")).toHaveCount(0);

  // Client-side validation from the domain schemas: nothing is sent.
  await a!.getByTestId("profile-field-phone").fill("0207 946 0000");
  await expect(a!.getByTestId("profile-error-phone")).toContainText("E.164");
  await expect(a!.getByTestId("profile-save")).toBeDisabled();
  await a!.getByTestId("profile-field-phone").fill("+442079460000");
  await a!.getByTestId("profile-field-baseCurrency").fill("eur");
  await expect(a!.getByTestId("profile-field-baseCurrency")).toHaveValue("EUR");
  await a!.getByTestId("profile-save").click();
  await expect(a!.getByTestId("profile-save-state")).toHaveAttribute("data-state", "saved");

  const db = await expectTabsShowProfile([a!, b!], user.api);
  expect(db).toMatchObject({
    version: 2,
    values: { displayName: "Grace", timezone: "Asia/Tokyo", experience: "advanced", bio: "Swing trader", phone: "+442079460000", baseCurrency: "EUR" },
  });
});

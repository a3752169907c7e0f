import { expect, test, type Page } from "@playwright/test";
import { expectLive, signUpUser } from "../helpers";
import { expectTabsShowDatabase, firstShown, installVersionRecorder, openSettings, openSettingsTabs } from "./helpers";

async function roles(pages: Page[]) {
  return Promise.all(pages.map((page) => page.getByTestId("stream-status").getAttribute("data-role")));
}

test("ten tabs share one stream: an API change shows in all of them within 2 s, and every tab can still load and save", async ({ context, baseURL }) => {
  test.setTimeout(150_000);
  await installVersionRecorder(context);
  const user = await signUpUser(context, baseURL!);
  const tabs = await openSettingsTabs(context, 10);
  await Promise.all(tabs.map((page) => expectLive(page)));
  const initialRoles = await roles(tabs);
  expect(initialRoles.filter((role) => role === "leader"), "exactly one tab holds the stream").toHaveLength(1);
  expect(initialRoles.filter((role) => role === "follower")).toHaveLength(9);

  // A change from outside the browser (plain HTTP with the session cookie).
  const sent = Date.now();
  const saved = await user.api.settings.set.mutate({ key: "chartInterval", value: "4h" });
  await Promise.all(
    tabs.map(async (page) => {
      await expect(page.getByTestId("setting-chartInterval-version")).toHaveText(`v${saved.version}`, { timeout: 5_000 });
      await expect(page.getByTestId("setting-chartInterval")).toHaveAttribute("data-value", '"4h"');
    }),
  );
  // Measured where the trader sees it: when each page's DOM displayed the new
  // version (recorded in the page), from before the request was sent.
  const shownAt = await Promise.all(tabs.map((page) => firstShown(page, "setting-chartInterval-version", saved.version)));
  const delays = shownAt.map((at) => Math.round((at ?? Number.POSITIVE_INFINITY) - sent));
  test.info().annotations.push({ type: "fan-out", description: `ms from sending the API change to each tab showing it: ${delays.join(", ")}` });
  console.log(`[fan-out] ${test.info().project.name}: ${delays.join(", ")} ms`);
  expect(Math.max(...delays), `delays per tab: ${delays.join(", ")} ms`).toBeLessThan(2_000);

  // Every tab can still load: reload them all at once.
  await Promise.all(tabs.map((page) => page.reload()));
  await Promise.all(tabs.map((page) => expect(page.getByTestId("setting-theme-version")).toBeVisible({ timeout: 20_000 })));
  await Promise.all(tabs.map((page) => expectLive(page)));
  expect((await roles(tabs)).filter((role) => role === "leader")).toHaveLength(1);

  // Every tab can still save, one after another, each building on the last.
  for (const [i, page] of tabs.entries()) {
    const before = await user.api.settings.get.query({ key: "alertCooldownSeconds" });
    await expect(page.getByTestId("setting-alertCooldownSeconds-version")).toHaveText(`v${before.version}`);
    await page.getByTestId("setting-alertCooldownSeconds-input").fill(String(100 + i));
    await page.getByTestId("setting-alertCooldownSeconds-save").click();
    await expect(page.getByTestId("save-state-alertCooldownSeconds")).toHaveAttribute("data-state", "saved");
    await expect(page.getByTestId("setting-alertCooldownSeconds-version")).toHaveText(`v${before.version + 1}`);
  }
  const db = await expectTabsShowDatabase(tabs, user.api);
  expect(db.alertCooldownSeconds).toEqual({ version: 10, value: 109 });

  // The leader closes: another tab takes the stream over and resumes it.
  const leaderIndex = (await roles(tabs)).indexOf("leader");
  await tabs[leaderIndex]!.close();
  const rest = tabs.filter((_, i) => i !== leaderIndex);
  await expect.poll(async () => (await roles(rest)).filter((role) => role === "leader").length, { timeout: 10_000 }).toBe(1);
  await Promise.all(rest.map((page) => expectLive(page)));
  const after = await user.api.settings.set.mutate({ key: "notificationSound", value: "bell" });
  await Promise.all(
    rest.map((page) => expect(page.getByTestId("setting-notificationSound-version")).toHaveText(`v${after.version}`, { timeout: 5_000 })),
  );

  // A tab opened now joins as a follower and is live at once.
  const late = await context.newPage();
  await openSettings(late);
  await expectLive(late);
  expect(await late.getByTestId("stream-status").getAttribute("data-role")).toBe("follower");
  await expectTabsShowDatabase([...rest, late], user.api);
});

test("without Web Locks every tab opens its own stream and still stays live", async ({ context, baseURL }) => {
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined, configurable: true });
  });
  const user = await signUpUser(context, baseURL!);
  const tabs = await openSettingsTabs(context, 2);
  await Promise.all(tabs.map((page) => expectLive(page)));
  expect(await roles(tabs)).toEqual(["solo", "solo"]);
  const saved = await user.api.settings.set.mutate({ key: "density", value: "compact" });
  await Promise.all(tabs.map((page) => expect(page.getByTestId("setting-density-version")).toHaveText(`v${saved.version}`, { timeout: 5_000 })));
  await tabs[0]!.getByTestId("setting-theme-option-dark").click();
  await expect(tabs[1]!.getByTestId("setting-theme")).toHaveAttribute("data-value", '"dark"');
  await expectTabsShowDatabase(tabs, user.api);
});

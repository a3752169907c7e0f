import { expect, test } from "@playwright/test";
import { signUpUser } from "../helpers";
import { databaseState, expectTabsShowDatabase, openSettingsTabs } from "./helpers";

test("a save that lost its version check asks: keep theirs shows the server value, apply mine stores mine as a newer version", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const [mine, other] = await openSettingsTabs(context, 2);
  const input = mine!.getByTestId("setting-alertCooldownSeconds-input");
  const dialog = mine!.getByTestId("conflict-dialog");

  // --- Keep theirs: the other tab saves while this one is still typing.
  await input.fill("120");
  await other!.getByTestId("setting-alertCooldownSeconds-input").fill("600");
  await other!.getByTestId("setting-alertCooldownSeconds-save").click();
  await expect(other!.getByTestId("save-state-alertCooldownSeconds")).toHaveAttribute("data-state", "saved");
  await expect(mine!.getByTestId("setting-alertCooldownSeconds-version")).toHaveText("v1");
  await expect(input, "a live update does not overwrite what is being typed").toHaveValue("120");

  await mine!.getByTestId("setting-alertCooldownSeconds-save").click();
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute("data-key", "alertCooldownSeconds");
  await expect(dialog.getByTestId("conflict-theirs")).toContainText("600 s");
  await expect(dialog.getByTestId("conflict-theirs-version")).toHaveText("v1");
  await expect(dialog.getByTestId("conflict-mine")).toContainText("120 s");
  await expect(mine!.getByTestId("save-state-alertCooldownSeconds")).toHaveAttribute("data-state", "conflict");

  await dialog.getByTestId("conflict-keep-theirs").click();
  await expect(dialog).toBeHidden();
  await expect(input).toHaveValue("600");
  await expect(mine!.getByTestId("save-state-alertCooldownSeconds")).toHaveAttribute("data-state", "kept-theirs");
  expect((await databaseState(user.api)).alertCooldownSeconds).toEqual({ version: 1, value: 600 });
  await expectTabsShowDatabase([mine!, other!], user.api);

  // --- Apply mine: an API client saves while this tab is typing.
  await input.fill("90");
  const theirs = await user.api.settings.set.mutate({ key: "alertCooldownSeconds", value: 700 });
  expect(theirs.version).toBe(2);
  await expect(mine!.getByTestId("setting-alertCooldownSeconds-version")).toHaveText("v2");
  await mine!.getByTestId("setting-alertCooldownSeconds-save").click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("conflict-theirs")).toContainText("700 s");
  await expect(dialog.getByTestId("conflict-mine")).toContainText("90 s");

  await dialog.getByTestId("conflict-apply-mine").click();
  await expect(dialog).toBeHidden();
  await expect(mine!.getByTestId("save-state-alertCooldownSeconds")).toHaveAttribute("data-state", "saved");
  await expect(mine!.getByTestId("setting-alertCooldownSeconds-version")).toHaveText("v3");
  expect((await databaseState(user.api)).alertCooldownSeconds).toEqual({ version: 3, value: 90 });
  await expectTabsShowDatabase([mine!, other!], user.api);

  // The history shows all three versions and the losing value is nowhere.
  const history = await user.api.settings.history.query({ key: "alertCooldownSeconds" });
  expect(history.map((row) => [row.version, row.value])).toEqual([
    [3, 90],
    [2, 700],
    [1, 600],
  ]);
});

test("revert from the history writes the old value as a new version, seen in every tab", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  await user.api.settings.set.mutate({ key: "watchlist", value: ["AAPL"] });
  await user.api.settings.set.mutate({ key: "watchlist", value: ["AAPL", "MSFT"] });
  const [page, other] = await openSettingsTabs(context, 2);
  await expect(page!.getByTestId("setting-watchlist-version")).toHaveText("v2");

  await page!.getByTestId("history-toggle-watchlist").click();
  await expect(page!.getByTestId("history-watchlist-v2")).toContainText("current");
  await page!.getByTestId("revert-watchlist-v1").click();
  await expect(page!.getByTestId("save-state-watchlist")).toHaveAttribute("data-state", "saved");
  await expect(page!.getByTestId("history-watchlist-v3")).toContainText("Reverted");
  await expect(other!.getByTestId("watchlist-chip-MSFT")).toBeHidden();
  await expect(other!.getByTestId("watchlist-chip-AAPL")).toBeVisible();
  expect((await databaseState(user.api)).watchlist).toEqual({ version: 3, value: ["AAPL"] });

  // Watchlist edits from the chips.
  await other!.getByTestId("setting-watchlist-input").fill("nvda");
  await other!.getByTestId("setting-watchlist-add").click();
  await expect(page!.getByTestId("watchlist-chip-NVDA")).toBeVisible();
  await page!.getByTestId("watchlist-remove-AAPL").click();
  await expect(other!.getByTestId("watchlist-chip-AAPL")).toBeHidden();
  await expectTabsShowDatabase([page!, other!], user.api);
  expect((await databaseState(user.api)).watchlist).toEqual({ version: 5, value: ["NVDA"] });
});

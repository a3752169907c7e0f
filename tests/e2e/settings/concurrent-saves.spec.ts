import { expect, test } from "@playwright/test";
import { clickTogether, signUpUser } from "../helpers";
import { databaseState, expectMonotonicVersions, expectTabsShowDatabase, installVersionRecorder, OPTIONS, openSettingsTabs, settledSaveState, type EnumKey } from "./helpers";

/** Each tab also saves a key that only it touches. */
const OWN_KEY: EnumKey[] = ["density", "chartInterval", "notificationSound"];

test("three tabs saving the same and different keys at once all end on the database's values, never showing a version go back", async ({ context, baseURL }) => {
  await installVersionRecorder(context);
  const user = await signUpUser(context, baseURL!);
  const tabs = await openSettingsTabs(context, 3);

  for (let round = 0; round < 3; round++) {
    const before = await databaseState(user.api);
    const choices = tabs.map((_, i) => {
      const theme = OPTIONS.theme.filter((option) => option !== before.theme!.value)[i % 2]!;
      const own = OWN_KEY[i]!;
      const ownValue = OPTIONS[own].filter((option) => option !== before[own]!.value)[round % 2]!;
      return { theme, own, ownValue };
    });

    // All three tabs click "theme" and their own key at the same moment. Two tabs pick the
    // same theme: when one's save reaches the other before its click lands (a slow tab), that
    // click finds its choice already shown and saves nothing — "unchanged", not a failure.
    const alreadyChosen = await clickTogether(
      tabs.map((page, i) => ({
        page,
        testIds: [`setting-theme-option-${choices[i]!.theme}`, `setting-${choices[i]!.own}-option-${choices[i]!.ownValue}`],
      })),
    );

    const themeOutcomes = await Promise.all(
      tabs.map((page, i) => (alreadyChosen[i]!.has(`setting-theme-option-${choices[i]!.theme}`) ? "unchanged" : settledSaveState(page, "theme"))),
    );
    const ownOutcomes = await Promise.all(tabs.map((page, i) => settledSaveState(page, choices[i]!.own)));
    expect(ownOutcomes, "saves of keys no one else touched all succeed").toEqual(["saved", "saved", "saved"]);
    for (const outcome of themeOutcomes) expect(["saved", "conflict", "unchanged"]).toContain(outcome);
    const wins = themeOutcomes.filter((outcome) => outcome === "saved").length;
    console.log(`[race] ${test.info().project.name} round ${round + 1}: theme ${themeOutcomes.join(", ")}`);
    expect(wins, "at least one racing save of the same key wins").toBeGreaterThanOrEqual(1);

    const db = await expectTabsShowDatabase(tabs, user.api);
    // Every acknowledged save got its own version; losers changed nothing.
    expect(db.theme!.version).toBe(before.theme!.version + wins);
    for (const [i, choice] of choices.entries()) {
      expect(db[choice.own]).toEqual({ version: before[choice.own]!.version + 1, value: choice.ownValue });
      if (themeOutcomes[i] === "conflict") {
        const dialog = tabs[i]!.getByTestId("conflict-dialog");
        await expect(dialog).toBeVisible();
        await expect(dialog).toHaveAttribute("data-key", "theme");
        await expect(dialog.getByTestId("conflict-theirs-version")).toHaveText(`v${db.theme!.version}`);
        await dialog.getByTestId("conflict-keep-theirs").click();
        await expect(dialog).toBeHidden();
      } else {
        await expect(tabs[i]!.getByTestId("conflict-dialog")).toBeHidden();
      }
    }
    await expectTabsShowDatabase(tabs, user.api);
  }

  for (const [i, page] of tabs.entries()) {
    const changes = await expectMonotonicVersions(page, `tab ${i}`);
    expect(changes, "the recorder saw the versions change").toBeGreaterThan(7);
  }
});

import { expect, test } from "@playwright/test";
import {
  expectMonotonicVersions,
  expectTabsShowDatabase,
  installVersionRecorder,
  OPTIONS,
  openSettingsTabs,
  settledSaveState,
  sleep,
  signUpUser,
} from "./helpers";

test("a tab reloaded in the middle of a burst of saves comes back showing the current values", async ({ context, baseURL }) => {
  await installVersionRecorder(context);
  const user = await signUpUser(context, baseURL!);
  const [reloaded, saver] = await openSettingsTabs(context, 2);

  let running = true;
  // Saves from an API client, back to back.
  const apiBurst = (async () => {
    let n = 0;
    while (running) {
      await user.api.settings.set.mutate({ key: "alertCooldownSeconds", value: n });
      if (n % 3 === 0) await user.api.settings.set.mutate({ key: "watchlist", value: [`T${n}`, "SPY"] });
      n++;
    }
    return n;
  })();
  // Saves from another tab, clicking through the chart intervals.
  const tabBurst = (async () => {
    let n = 0;
    while (running) {
      const value = OPTIONS.chartInterval[n % OPTIONS.chartInterval.length]!;
      await saver!.getByTestId(`setting-chartInterval-option-${value}`).click();
      n++;
    }
    return n;
  })();

  for (let i = 0; i < 3; i++) {
    await sleep(400);
    await reloaded!.reload();
    await expect(reloaded!.getByTestId("setting-theme-version")).toBeVisible();
    const changes = await expectMonotonicVersions(reloaded!, `reloaded tab, load ${i + 1}`);
    expect(changes).toBeGreaterThan(0);
  }
  await sleep(400);
  running = false;
  const [apiSaves, clicks] = await Promise.all([apiBurst, tabBurst]);
  await settledSaveState(saver!, "chartInterval");
  expect(await saver!.getByTestId("save-state-chartInterval").getAttribute("data-state")).toBe("saved");
  test.info().annotations.push({ type: "burst", description: `${apiSaves} API saves and ${clicks} clicks; 3 reloads` });

  const db = await expectTabsShowDatabase([reloaded!, saver!], user.api);
  expect(db.alertCooldownSeconds!.value).toBe(apiSaves - 1);
  expect(db.alertCooldownSeconds!.version).toBe(apiSaves);
  await expectMonotonicVersions(reloaded!, "reloaded tab, final load");
  await expectMonotonicVersions(saver!, "saving tab");
});

import { expect, test } from "@playwright/test";
import { signUpUser, sleep } from "../helpers";
import { expectMonotonicVersions, expectTabsShowDatabase, installVersionRecorder, OPTIONS, openSettingsTabs, settledSaveState } from "./helpers";

test("a tab reloaded in the middle of a burst of saves comes back showing the current values", async ({ context, baseURL }) => {
  await installVersionRecorder(context);
  const user = await signUpUser(context, baseURL!);
  const [reloaded, saver] = await openSettingsTabs(context, 2);

  let running = true;
  // Saves from API clients (two keys, one client each), about 25 a second each: a
  // burst the tabs must follow, at a rate that does not depend on how fast the server is
  // (back to back, a faster write path turned it into 1,000+ events for two tabs on two CPUs;
  // at 50 a second each, beside the other project's specs, the tabs' renderers fell so far
  // behind on a busy 2-core machine that a reload took over 10 s to draw the form).
  const apiBurst = (async () => {
    let n = 0;
    while (running) {
      await user.api.settings.set.mutate({ key: "alertCooldownSeconds", value: n++ });
      await sleep(40);
    }
    return n;
  })();
  const watchlistBurst = (async () => {
    let n = 0;
    while (running) {
      await user.api.settings.set.mutate({ key: "watchlist", value: [`T${n++}`, "SPY"] });
      await sleep(40);
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
    await expect(reloaded!.getByTestId("setting-theme-version")).toBeVisible({ timeout: 20_000 });
    const changes = await expectMonotonicVersions(reloaded!, `reloaded tab, load ${i + 1}`);
    expect(changes).toBeGreaterThan(0);
  }
  await sleep(400);
  running = false;
  const [apiSaves, watchlistSaves, clicks] = await Promise.all([apiBurst, watchlistBurst, tabBurst]);
  await settledSaveState(saver!, "chartInterval");
  expect(await saver!.getByTestId("save-state-chartInterval").getAttribute("data-state")).toBe("saved");
  const burst = `${apiSaves + watchlistSaves} API saves and ${clicks} clicks in another tab; 3 reloads`;
  test.info().annotations.push({ type: "burst", description: burst });
  console.log(`[burst] ${test.info().project.name}: ${burst}`);

  const db = await expectTabsShowDatabase([reloaded!, saver!], user.api);
  expect(db.alertCooldownSeconds!.value).toBe(apiSaves - 1);
  expect(db.alertCooldownSeconds!.version).toBe(apiSaves);
  expect(db.watchlist).toEqual({ version: watchlistSaves, value: [`T${watchlistSaves - 1}`, "SPY"] });
  await expectMonotonicVersions(reloaded!, "reloaded tab, final load");
  await expectMonotonicVersions(saver!, "saving tab");
});

import { expect, test } from "@playwright/test";
import { signUpUser } from "../helpers";
import { openJobsTabs, registerDigest } from "./helpers";

test("a delivered digest is a notification in every open tab, once each, with what changed", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const tabs = await openJobsTabs(context, 2);
  await user.api.settings.set.mutate({ key: "theme", value: "dark" });
  const job = await registerDigest(user.api, "morning digest", { params: { periodHours: 1 } });
  await user.api.jobs.trigger.mutate({ id: job.id });
  for (const tab of tabs) {
    const toast = tab.getByTestId("digest-toast");
    await expect(toast).toHaveCount(1, { timeout: 15_000 });
    await expect(toast).toContainText("Settings: theme ×1");
  }
});

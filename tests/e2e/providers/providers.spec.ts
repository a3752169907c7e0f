import { randomBytes } from "node:crypto";
import { expect, test, type Page, type Response } from "@playwright/test";
import { clickTogether, signUpUser, type Api } from "../helpers";
import { activeSamples, expectTabsShowProviders, installActiveSampler, openProvidersTabs, shownProviders, storedProviders } from "./helpers";

async function addProviders(api: Api, count: number) {
  const added = [];
  for (let i = 1; i <= count; i++) {
    added.push(await api.providers.add.mutate({ name: `Provider ${i}`, model: `model-${i}`, apiKey: `sk-seed-key-${i}-${randomBytes(4).toString("hex")}` }));
  }
  return added;
}

async function expectNoActiveViolations(pages: Page[]) {
  for (const [i, page] of pages.entries()) {
    const { violations, samples } = await activeSamples(page);
    expect(samples, `tab ${i} sampled the list`).toBeGreaterThan(0);
    expect(violations, `tab ${i} showed other than exactly one active provider`).toEqual([]);
  }
}

test("two tabs activating different providers at the same moment: never two (or zero) shown active, both end on the stored one", async ({ context, baseURL }) => {
  await installActiveSampler(context);
  const user = await signUpUser(context, baseURL!);
  const [p1, p2, p3, p4] = await addProviders(user.api, 4);
  const [a, b] = await openProvidersTabs(context, 2);
  await expectTabsShowProviders([a!, b!], user.api);
  expect((await shownProviders(a!)).activeId).toBe(p1!.id);

  const rounds: Array<[string, string]> = [
    [p2!.id, p3!.id],
    [p4!.id, p1!.id],
    [p3!.id, p2!.id],
    [p1!.id, p4!.id],
  ];
  for (const [forA, forB] of rounds) {
    await clickTogether([
      { page: a!, testIds: [`provider-activate-${forA}`] },
      { page: b!, testIds: [`provider-activate-${forB}`] },
    ]);
    for (const page of [a!, b!]) await expect(page.locator('[role="radio"][data-pending]')).toHaveCount(0);
    const stored = await expectTabsShowProviders([a!, b!], user.api);
    // Both activations were acknowledged; the one committed last holds.
    expect([forA, forB]).toContain(stored.activeId);
    for (const page of [a!, b!]) {
      await expect(page.locator('[data-testid^="provider-activate-error-"]')).toHaveCount(0);
      await expect(page.locator('[role="radio"][aria-checked="true"]')).toHaveCount(1);
      await expect(page.getByTestId(`provider-activate-${stored.activeId}`)).toHaveAttribute("aria-checked", "true");
      await expect(page.getByTestId("active-provider")).toHaveText(stored.header);
    }
  }
  await a!.screenshot({ path: test.info().outputPath("providers-after-races.png"), fullPage: true });
  await expectNoActiveViolations([a!, b!]);
});

test("add, edit without resending the key, and delete the active provider: both tabs follow live and show the promoted one", async ({ context, baseURL }) => {
  await installActiveSampler(context);
  const user = await signUpUser(context, baseURL!);
  const [first, second] = await addProviders(user.api, 2);
  await user.api.providers.setActive.mutate({ id: second!.id });
  const [a, b] = await openProvidersTabs(context, 2);
  await expectTabsShowProviders([a!, b!], user.api);

  // Add (made active) in tab A.
  await a!.getByTestId("provider-add-field-name").fill("Anthropic");
  await a!.getByTestId("provider-add-field-model").fill("claude-sonnet");
  await a!.getByTestId("provider-add-field-apiKey").fill("sk-ant-e2e-key-7Q9z");
  await a!.getByTestId("provider-add-activate").check();
  await a!.getByTestId("provider-add-submit").click();
  await expect(a!.getByTestId("provider-add-status")).toHaveAttribute("data-state", "added");
  await expect(a!.getByTestId("provider-add-field-apiKey")).toHaveValue("");
  await expect(a!.getByTestId("provider-add-field-name")).toHaveValue("");
  let stored = await expectTabsShowProviders([a!, b!], user.api);
  const added = stored.rows.find((row) => row.name === "Anthropic")!;
  expect(added).toMatchObject({ model: "claude-sonnet", hint: "…7Q9z", active: true });
  for (const page of [a!, b!]) await expect(page.getByTestId("active-provider")).toHaveText("AI: Anthropic · claude-sonnet");

  // Edit the model in tab B: the key is not resent, so its hint stays.
  await b!.getByTestId(`provider-edit-button-${added.id}`).click();
  const editB = b!.getByTestId(`provider-edit-${added.id}`);
  await expect(editB.getByTestId(`provider-${added.id}-field-apiKey`)).toHaveValue("");
  await editB.getByTestId(`provider-${added.id}-field-model`).fill("claude-opus");
  await editB.getByTestId(`provider-save-${added.id}`).click();
  await expect(editB).toBeHidden();
  stored = await expectTabsShowProviders([a!, b!], user.api);
  expect(stored.rows.find((row) => row.id === added.id)).toMatchObject({ model: "claude-opus", hint: "…7Q9z", version: added.version + 1, active: true });
  for (const page of [a!, b!]) await expect(page.getByTestId("active-provider")).toHaveText("AI: Anthropic · claude-opus");

  // Delete the active one in tab A, after confirming: the most recently active other one is promoted.
  await a!.getByTestId(`provider-delete-${added.id}`).click();
  const dialog = a!.getByTestId("provider-delete-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("It is the active provider");
  await a!.getByTestId("provider-delete-cancel").click();
  await expect(dialog).toBeHidden();
  expect((await storedProviders(user.api)).rows.map((row) => row.id), "cancel deletes nothing").toContain(added.id);

  await a!.getByTestId(`provider-delete-${added.id}`).click();
  await a!.getByTestId("provider-delete-confirm").click();
  await expect(dialog).toBeHidden();
  stored = await expectTabsShowProviders([a!, b!], user.api);
  expect(stored.rows.map((row) => row.id)).toEqual([first!.id, second!.id]);
  expect(stored.activeId, "the previously active provider is promoted").toBe(second!.id);
  for (const page of [a!, b!]) {
    await expect(page.getByTestId(`provider-activate-${second!.id}`)).toHaveAttribute("aria-checked", "true");
    await expect(page.getByTestId("active-provider")).toHaveText(`AI: ${second!.name} · ${second!.model}`);
  }

  // The shell shows the active provider on every page, live.
  await b!.getByTestId("nav-settings").click();
  await expect(b!.getByTestId("setting-theme-version")).toBeVisible();
  await expect(b!.getByTestId("active-provider")).toHaveText(`AI: ${second!.name} · ${second!.model}`);
  await user.api.providers.setActive.mutate({ id: first!.id });
  await expect(b!.getByTestId("active-provider")).toHaveText(`AI: ${first!.name} · ${first!.model}`);
  await b!.getByTestId("nav-providers").click();
  await expectTabsShowProviders([a!, b!], user.api);

  // Field errors from validation appear next to their fields; nothing is added.
  await b!.getByTestId("provider-add-field-name").fill("Bad");
  await b!.getByTestId("provider-add-field-model").fill("m");
  await b!.getByTestId("provider-add-field-apiKey").fill("sk with spaces");
  await b!.getByTestId("provider-add-field-baseUrl").fill("ftp://example.test");
  await b!.getByTestId("provider-add-submit").click();
  await expect(b!.getByTestId("provider-add-error-apiKey")).toContainText("without spaces");
  await expect(b!.getByTestId("provider-add-error-baseUrl")).toContainText("http");
  expect((await storedProviders(user.api)).rows).toHaveLength(2);
  await expectNoActiveViolations([a!, b!]);
});

test("an API key typed into the page never comes back: not in any HTML, DOM, response or the event stream; only its hint is shown", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const bodies: Array<{ url: string; body: string }> = [];
  const reads: Promise<void>[] = [];
  const collect = (response: Response) => {
    // The SSE stream never ends while the page is open; it is read separately below.
    if (response.url().includes("stream.events")) return;
    reads.push(
      response
        .body()
        .then((body) => void bodies.push({ url: response.url(), body: body.toString("utf8") }))
        .catch(() => undefined), // redirects and aborted requests have no body
    );
  };
  context.on("response", collect);

  const [a, b] = await openProvidersTabs(context, 2);
  for (const page of [a!, b!]) {
    await expect(page.getByTestId("providers-empty")).toBeVisible();
    await expect(page.getByTestId("active-provider")).toHaveText("No AI provider");
  }
  const key = `sk-e2e-PLAINTEXT-${randomBytes(12).toString("hex")}`;
  const hint = `…${key.slice(-4)}`;
  await a!.getByTestId("provider-add-field-name").fill("Secret-holder");
  await a!.getByTestId("provider-add-field-model").fill("gpt-4o");
  await a!.getByTestId("provider-add-field-apiKey").fill(key);
  await a!.getByTestId("provider-add-submit").click();
  await expect(a!.getByTestId("provider-add-status")).toHaveAttribute("data-state", "added");
  const stored = await expectTabsShowProviders([a!, b!], user.api);
  const row = stored.rows.find((r) => r.name === "Secret-holder")!;
  expect(row, "the first provider becomes the active one").toMatchObject({ hint, active: true });
  for (const page of [a!, b!]) await expect(page.getByTestId("active-provider")).toHaveText("AI: Secret-holder · gpt-4o");

  // Replace the key through the edit form too.
  const replacement = `sk-e2e-PLAINTEXT-${randomBytes(12).toString("hex")}`;
  await b!.getByTestId(`provider-edit-button-${row.id}`).click();
  await b!.getByTestId(`provider-${row.id}-field-apiKey`).fill(replacement);
  await b!.getByTestId(`provider-save-${row.id}`).click();
  await expect(b!.getByTestId(`provider-edit-${row.id}`)).toBeHidden();
  const replacedHint = `…${replacement.slice(-4)}`;
  for (const page of [a!, b!]) await expect(page.getByTestId(`provider-hint-${row.id}`)).toHaveText(replacedHint);

  const secrets = [key, replacement];
  const expectAbsent = (where: string, text: string) => {
    for (const secret of secrets) expect(text.includes(secret), `${where} contains the plaintext key`).toBe(false);
    // Nor a long piece of it (e.g. all but the hint).
    for (const secret of secrets) expect(text.includes(secret.slice(0, -4)), `${where} contains most of the key`).toBe(false);
  };

  for (const path of ["/providers", "/settings", "/profile"]) {
    const response = await a!.request.get(path);
    expect(response.ok()).toBe(true);
    expectAbsent(`server-rendered ${path}`, await response.text());
  }
  for (const [i, page] of [a!, b!].entries()) {
    expectAbsent(`tab ${i} DOM`, await page.content());
    expectAbsent(`tab ${i} storage`, await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })));
    await expect(page.getByTestId(`provider-hint-${row.id}`)).toHaveText(replacedHint);
  }

  await Promise.all(reads);
  const trpcBodies = bodies.filter(({ url }) => url.includes("/api/trpc/"));
  expect(trpcBodies.some(({ url }) => url.includes("providers.snapshot")), "the providers were fetched over tRPC").toBe(true);
  expect(trpcBodies.some(({ body }) => body.includes(replacedHint)), "tRPC responses carry the hint").toBe(true);
  for (const { url, body } of bodies) expectAbsent(`response of ${url}`, body);

  const stream = await readStream(baseURL!, user.cookie, (text) => text.includes(replacedHint));
  expect(stream).toContain("provider.added");
  expect(stream).toContain(hint);
  expectAbsent("the event stream", stream);
  expectAbsent("providers.list", JSON.stringify(await user.api.providers.list.query()));
});

test("a save over a change made elsewhere asks; nothing is overwritten silently, and either choice is honoured", async ({ context, baseURL }) => {
  const user = await signUpUser(context, baseURL!);
  const [p1, p2] = await addProviders(user.api, 2);
  const [a, b] = await openProvidersTabs(context, 2);
  const id = p2!.id;
  const conflict = a!.getByTestId(`provider-conflict-${id}`);

  // A starts editing the model; B changes it and saves first.
  await a!.getByTestId(`provider-edit-button-${id}`).click();
  await a!.getByTestId(`provider-${id}-field-model`).fill("model-from-a");
  await b!.getByTestId(`provider-edit-button-${id}`).click();
  await b!.getByTestId(`provider-${id}-field-model`).fill("model-from-b");
  await b!.getByTestId(`provider-save-${id}`).click();
  await expect(b!.getByTestId(`provider-edit-${id}`)).toBeHidden();
  await expect(a!.getByTestId(`provider-model-${id}`)).toHaveText("model-from-b");
  await expect(a!.getByTestId(`provider-${id}-field-model`), "the live change does not overwrite the draft").toHaveValue("model-from-a");
  await expect(a!.getByTestId(`provider-changed-${id}`)).toContainText("model-from-b");

  await a!.getByTestId(`provider-save-${id}`).click();
  await expect(conflict).toBeVisible();
  await expect(conflict.getByTestId("provider-conflict-theirs-model")).toHaveText("model-from-b");
  await expect(conflict.getByTestId("provider-conflict-mine-model")).toHaveText("model-from-a");
  const afterB = (await user.api.providers.list.query()).find((p) => p.id === id)!;
  expect(afterB).toMatchObject({ model: "model-from-b", version: p2!.version + 1 });
  await a!.screenshot({ path: test.info().outputPath("provider-conflict.png"), fullPage: true });

  // Re-apply mine: stored as a newer version, seen by both tabs.
  await a!.getByTestId(`provider-apply-mine-${id}`).click();
  await expect(a!.getByTestId(`provider-edit-${id}`)).toBeHidden();
  let stored = await expectTabsShowProviders([a!, b!], user.api);
  expect(stored.rows.find((row) => row.id === id)).toMatchObject({ model: "model-from-a", version: afterB.version + 1 });

  // Reload theirs: an API client renames it while A edits the name; A keeps theirs and nothing of A's is written.
  await a!.getByTestId(`provider-edit-button-${id}`).click();
  await a!.getByTestId(`provider-${id}-field-name`).fill("Name from A");
  const renamed = await user.api.providers.update.mutate({ id, name: "Name from API" });
  await expect(a!.getByTestId(`provider-name-${id}`)).toHaveText("Name from API");
  await a!.getByTestId(`provider-save-${id}`).click();
  await expect(conflict.getByTestId("provider-conflict-theirs-name")).toHaveText("Name from API");
  await a!.getByTestId(`provider-keep-theirs-${id}`).click();
  await expect(conflict).toBeHidden();
  await expect(a!.getByTestId(`provider-${id}-field-name`)).toHaveValue("Name from API");
  await a!.getByTestId(`provider-cancel-${id}`).click();
  stored = await expectTabsShowProviders([a!, b!], user.api);
  expect(stored.rows.find((row) => row.id === id)).toMatchObject({ name: "Name from API", version: renamed.version });

  // Activating it elsewhere moves its version but changes no field being edited: that save goes through.
  await a!.getByTestId(`provider-edit-button-${id}`).click();
  await a!.getByTestId(`provider-${id}-field-model`).fill("model-after-activation");
  await b!.getByTestId(`provider-activate-${id}`).click();
  await expect(a!.getByTestId(`provider-activate-${id}`)).toHaveAttribute("aria-checked", "true");
  await expect(a!.getByTestId(`provider-changed-${id}`)).toHaveCount(0);
  await a!.getByTestId(`provider-save-${id}`).click();
  await expect(a!.getByTestId(`provider-edit-${id}`)).toBeHidden();
  stored = await expectTabsShowProviders([a!, b!], user.api);
  expect(stored.rows.find((row) => row.id === id)).toMatchObject({ model: "model-after-activation", name: "Name from API", active: true });
  expect(stored.rows.find((row) => row.id === p1!.id)).toMatchObject({ active: false, model: p1!.model });
});

/** Reads the user's event stream from the start (raw SSE text) until `done` holds for what arrived. */
async function readStream(baseURL: string, cookie: string, done: (text: string) => boolean): Promise<string> {
  const input = encodeURIComponent(JSON.stringify({ json: { lastEventId: "0" } }));
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 10_000);
  let text = "";
  try {
    const response = await fetch(`${baseURL}/api/trpc/stream.events?input=${input}`, {
      headers: { cookie, accept: "text/event-stream" },
      signal: abort.signal,
    });
    expect(response.ok).toBe(true);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    while (!done(text)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  expect(done(text), `the stream delivered what was expected; got: ${text.slice(0, 500)}`).toBe(true);
  return text;
}

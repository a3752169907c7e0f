import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { signUpUser } from "../../harness/api-client";
import { databaseText } from "../../harness/database-text";
import { DATABASES } from "../../harness/databases";
import { useServers } from "../../harness/server-cluster-suite";
import type { ServerProcess } from "../../harness/server-process";

/** A key whose secret part (all but the last four characters, which the hint shows) is unique to this run. */
function distinctiveKey(label: string) {
  const key = `sk-${label}-${randomBytes(16).toString("hex")}`;
  return { key, secretPart: key.slice(0, -4), hint: `…${key.slice(-4)}` };
}

/**
 * The plaintext API key must appear in no procedure output, no event, no log
 * line and not in the database. Outputs are read as raw HTTP bodies from a real
 * server process; the database is read as bytes (SQLite file, WAL and shm) or
 * as the text of every row of every table (PostgreSQL).
 */
describe.each(DATABASES)("provider API keys never leave the server on %s", (kind) => {
  const servers = useServers(kind);
  let server: ServerProcess;
  let token: string;
  const bodies: string[] = [];

  async function call(pathAndQuery: string, init: { method?: string; body?: unknown } = {}) {
    const res = await fetch(`${server.url}/api/trpc/${pathAndQuery}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify({ json: init.body }),
    });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, text, json: JSON.parse(text) as { result?: { data: { json: any } }; error?: { json: any } } };
  }
  const mutate = (procedure: string, input: unknown) => call(procedure, { method: "POST", body: input });

  /** The event stream's raw SSE text, replayed from the start, until `expected` provider events arrived. */
  async function streamText(expected: number): Promise<string> {
    const input = encodeURIComponent(JSON.stringify({ json: { lastEventId: "0" } }));
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/trpc/stream.events?input=${input}`, {
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const deadline = Date.now() + 15_000;
    while ((text.match(/provider\.(added|updated|activated|deleted)/g) ?? []).length < expected && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    return text;
  }

  beforeAll(async () => {
    server = servers.server();
    token = (await signUpUser(server.url)).token;
  });

  it("appears in no output, event, log line or database row; only the hint does", async () => {
    const first = distinctiveKey("first");
    const second = distinctiveKey("second");
    const other = distinctiveKey("other");
    const canaryName = `ScanCanary-${randomBytes(6).toString("hex")}`;

    const added = await mutate("providers.add", { name: canaryName, model: "gpt-4o", apiKey: first.key, baseUrl: "https://api.example.com/v1" });
    expect(added.status).toBe(200);
    const provider1 = added.json.result!.data.json;
    expect(provider1.apiKeyHint).toBe(first.hint);
    const otherAdded = await mutate("providers.add", { name: "Other", model: "m", apiKey: other.key });
    const provider2 = otherAdded.json.result!.data.json;

    // Every procedure, including error paths that received the key as input.
    expect((await mutate("providers.update", { id: provider1.id, apiKey: second.key })).json.result!.data.json.apiKeyHint).toBe(second.hint);
    await mutate("providers.update", { id: provider1.id, model: "gpt-4.1" });
    await mutate("providers.setActive", { id: provider2.id });
    await mutate("providers.setActive", { id: provider1.id });
    const badUrl = await mutate("providers.add", { name: "Bad", model: "m", apiKey: first.key, baseUrl: "not a url" });
    expect(badUrl.status).toBe(400);
    const oversized = await mutate("providers.add", { name: "Big", model: "m", apiKey: `${first.key}${"x".repeat(600)}` });
    expect(oversized.status).toBe(400);
    const conflict = await mutate("providers.update", { id: provider1.id, apiKey: first.key, expectedVersion: 1 });
    expect(conflict.status).toBe(409);
    const notFound = await mutate("providers.update", { id: "missing-provider", apiKey: first.key });
    expect(notFound.status).toBe(404);
    const list = await call("providers.list");
    expect(list.json.result!.data.json.map((p: { apiKeyHint: string }) => p.apiKeyHint)).toEqual([second.hint, other.hint]);
    await call("providers.snapshot");
    await mutate("providers.delete", { id: provider2.id });

    const sse = await streamText(6);
    expect(sse).toContain(canaryName); // the scan reads real event payloads
    expect(sse).toContain(second.hint);
    const dbText = await databaseText(servers.database());
    expect(dbText).toContain(canaryName); // the scan reads the rows the provider lives in

    const outputs = bodies.join("\n");
    expect(outputs).toContain(second.hint);
    for (const { secretPart } of [first, second, other]) {
      expect(outputs.includes(secretPart), "procedure output").toBe(false);
      expect(sse.includes(secretPart), "event stream").toBe(false);
      expect(server.logs().includes(secretPart), "server log").toBe(false);
      expect(dbText.includes(secretPart), "database").toBe(false);
    }
  });
});

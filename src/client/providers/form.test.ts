import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { addProviderInput, updateProviderInput, type ProviderView } from "@/domain/providers/schema";
import { changedSince, changesOf, conflictCurrent, conflictingFields, draftOf, schemaErrors, serverFieldErrors } from "./form";

const at = new Date("2026-01-02T03:04:05.000Z");
const stored: ProviderView = {
  id: "p1",
  name: "OpenAI",
  model: "gpt-4o",
  baseUrl: null,
  apiKeyHint: "…abcd",
  isActive: true,
  version: 3,
  createdAt: at,
  updatedAt: at,
};

describe("changesOf", () => {
  it("names only the fields that changed, trimmed; an emptied base URL clears it", () => {
    const start = draftOf({ ...stored, baseUrl: "https://api.example.com/v1" });
    expect(changesOf(start, start)).toEqual({});
    expect(changesOf(start, { ...start, model: " gpt-4.1 " })).toEqual({ model: "gpt-4.1" });
    expect(changesOf(start, { ...start, name: "OpenAI ", baseUrl: "" })).toEqual({ baseUrl: null });
  });
});

describe("conflicts", () => {
  const start = draftOf(stored);

  it("a version that moved without a field changing is no conflict (activation elsewhere)", () => {
    const deactivated = { ...stored, isActive: false, version: 4 };
    expect(changedSince(start, stored.apiKeyHint, deactivated)).toEqual([]);
    expect(conflictingFields(start, stored.apiKeyHint, { changes: { model: "gpt-4.1" } }, deactivated)).toEqual([]);
  });

  it("a field changed both here and there is a conflict; one changed only there is not", () => {
    const theirs = { ...stored, model: "o3", name: "Work", version: 5 };
    expect(changedSince(start, stored.apiKeyHint, theirs)).toEqual(["name", "model"]);
    expect(conflictingFields(start, stored.apiKeyHint, { changes: { model: "gpt-4.1" } }, theirs)).toEqual(["model"]);
    expect(conflictingFields(start, stored.apiKeyHint, { changes: { baseUrl: "https://x.example" } }, theirs)).toEqual([]);
  });

  it("a key replaced there conflicts with a key replaced here, by its hint", () => {
    const rekeyed = { ...stored, apiKeyHint: "…wxyz", version: 4 };
    expect(conflictingFields(start, stored.apiKeyHint, { changes: {}, apiKey: "sk-new-key-1234" }, rekeyed)).toEqual(["apiKey"]);
    expect(conflictingFields(start, stored.apiKeyHint, { changes: { name: "Mine" } }, rekeyed)).toEqual([]);
  });
});

describe("schemaErrors", () => {
  it("reports the domain's messages per field, never echoing the key", () => {
    const errors = schemaErrors(addProviderInput, { name: " ", model: "gpt-4o", apiKey: "sk with spaces", baseUrl: "ftp://x.example" });
    expect(Object.keys(errors ?? {}).sort()).toEqual(["apiKey", "baseUrl", "name"]);
    expect(errors?.apiKey).not.toContain("sk with spaces");
    expect(schemaErrors(addProviderInput, { name: "A", model: "m", apiKey: "sk-valid-1234", baseUrl: null })).toBeNull();
  });

  it("an update must change something", () => {
    expect(schemaErrors(updateProviderInput, { id: "p1", expectedVersion: 3 })).toHaveProperty(["(input)"]);
    expect(schemaErrors(updateProviderInput, { id: "p1", model: "o3", expectedVersion: 3 })).toBeNull();
  });
});

describe("server errors", () => {
  const serverError = (code: string, data: object) =>
    TRPCClientError.from({ error: { message: code, code: -32600, data: { code, httpStatus: 400, ...data } } });

  it("BAD_REQUEST field errors, first message per field", () => {
    const error = serverError("BAD_REQUEST", { fieldErrors: { name: ["must not be empty", "other"], baseUrl: ["not a URL"] } });
    expect(serverFieldErrors(error)).toEqual({ name: "must not be empty", baseUrl: "not a URL" });
    expect(serverFieldErrors(new Error("network"))).toBeNull();
  });

  it("the current provider carried by a CONFLICT", () => {
    const current = { ...stored, model: "o3", version: 4, createdAt: at.toISOString(), updatedAt: at.toISOString() };
    expect(conflictCurrent(serverError("CONFLICT", { details: { current } }))).toEqual({ ...stored, model: "o3", version: 4 });
    expect(conflictCurrent(serverError("CONFLICT", {}))).toBeNull();
  });
});

import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import type { ProfileField, ProfileView } from "@/domain/profile/schema";
import { ProfileEditor, type SendProfileUpdate } from "./actions";
import { createProfileStore, PROFILE_KEY } from "./store";

const view = (version: number, values: Partial<Pick<ProfileView, ProfileField>> = {}): ProfileView => ({
  displayName: null,
  email: null,
  phone: null,
  timezone: null,
  locale: null,
  baseCurrency: null,
  bio: null,
  experience: null,
  ...values,
  version,
  changedAt: { displayName: null, email: null, phone: null, timezone: null, locale: null, baseCurrency: null, bio: null, experience: null },
  updatedAt: null,
});

function clientError(code: string, data: Record<string, unknown>) {
  return new TRPCClientError(code, { result: { error: { message: code, code: -32000, data: { code, ...data } } } } as never);
}

function setup(send: SendProfileUpdate, initial = view(0)) {
  const store = createProfileStore();
  store.merge(PROFILE_KEY, initial);
  const editor = new ProfileEditor(store, send);
  editor.attach();
  return { store, editor };
}

describe("ProfileEditor", () => {
  it("a network failure is retried with the same request id", async () => {
    const calls: Array<{ requestId: string; patch: unknown; base: unknown }> = [];
    const { editor } = setup(async (input) => {
      calls.push(input);
      if (calls.length === 1) throw new TypeError("Failed to fetch");
      return view(1, { email: "a@example.com" });
    });
    editor.edit("email", "a@example.com");
    await editor.save();
    expect(calls).toHaveLength(2);
    expect(calls[0]!.requestId).toBe(calls[1]!.requestId);
    expect(calls[0]).toMatchObject({ patch: { email: "a@example.com" }, base: { email: null } });
    expect(editor.snapshot()).toMatchObject({ drafts: {}, save: { phase: "saved", version: 1 } });
  });

  it("on CONFLICT: every field stays an edit, only the refused ones ask; apply mine re-sends with base = current; keep theirs drops the edit", async () => {
    const calls: Array<{ patch: unknown; base: unknown }> = [];
    const current = view(3, { email: "theirs@example.com", phone: "+14155550100" });
    const { store, editor } = setup(async (input) => {
      calls.push({ patch: input.patch, base: input.base });
      if (calls.length === 1) throw clientError("CONFLICT", { details: { fields: { email: "theirs@example.com", phone: "+14155550100" }, current } });
      if (calls.length === 2) return view(4, { ...current, locale: "en-GB" });
      return view(5, { ...current, locale: "en-GB", email: "mine@example.com" });
    });
    editor.edit("email", "mine@example.com");
    editor.edit("phone", "+14155550199");
    editor.edit("locale", "en-GB");
    await editor.save();
    expect(store.version(PROFILE_KEY)).toBe(3);
    expect(editor.snapshot().conflicts.sort()).toEqual(["email", "phone"]);
    expect(editor.snapshot().save.phase).toBe("conflict");
    expect(Object.keys(editor.snapshot().drafts).sort()).toEqual(["email", "locale", "phone"]);

    // A plain save sends what is not waiting for a choice.
    await editor.save();
    expect(calls[1]).toEqual({ patch: { locale: "en-GB" }, base: { locale: null } });

    editor.applyMine("email");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls[2]).toEqual({ patch: { email: "mine@example.com" }, base: { email: "theirs@example.com" } });
    expect(editor.snapshot().conflicts).toEqual(["phone"]);

    editor.keepTheirs("phone");
    expect(editor.snapshot()).toMatchObject({ drafts: {}, conflicts: [], save: { phase: "idle" } });
  });
});

import { describe, expect, it } from "vitest";
import type { ProfileValues } from "@/domain/profile/schema";
import {
  adoptBase,
  afterSave,
  buildPatch,
  changedUnderneath,
  dirtyFields,
  editDraft,
  rebase,
  serverFieldErrors,
  validateField,
  type Drafts,
} from "./form";

const stored = (values: Partial<ProfileValues> = {}): ProfileValues => ({
  displayName: null,
  email: null,
  phone: null,
  timezone: null,
  locale: null,
  baseCurrency: null,
  bio: null,
  experience: null,
  ...values,
});

describe("profile form: what a save sends", () => {
  it("sends only the changed fields, each with the value it started from as base", () => {
    const server = stored({ email: "old@example.com", phone: "+14155550100", displayName: "Ada" });
    let drafts: Drafts = {};
    drafts = editDraft(drafts, "email", "new@example.com", server);
    drafts = editDraft(drafts, "phone", "", server); // cleared
    drafts = editDraft(drafts, "displayName", "Ada", server); // touched, unchanged
    expect(dirtyFields(drafts).sort()).toEqual(["email", "phone"]);
    expect(buildPatch(drafts)).toEqual({
      patch: { email: "new@example.com", phone: null },
      base: { email: "old@example.com", phone: "+14155550100" },
    });
  });

  it("trims single-line fields like the server, keeps the bio as typed, and returns null when nothing changed", () => {
    const server = stored({ email: "a@example.com" });
    let drafts = editDraft({}, "email", "  a@example.com ", server);
    expect(buildPatch(drafts)).toBeNull();
    drafts = editDraft(drafts, "bio", "  two spaces ", server);
    expect(buildPatch(drafts)).toEqual({ patch: { bio: "  two spaces " }, base: { bio: null } });
  });

  it("the first keystroke fixes the base; later server changes do not move it", () => {
    let drafts = editDraft({}, "email", "x", stored({ email: "one@example.com" }));
    drafts = editDraft(drafts, "email", "mine@example.com", stored({ email: "two@example.com" }));
    expect(buildPatch(drafts)?.base).toEqual({ email: "one@example.com" });
  });

  it("can limit a save to some fields (apply mine, or leaving out fields awaiting a choice)", () => {
    const server = stored();
    let drafts = editDraft({}, "email", "a@example.com", server);
    drafts = editDraft(drafts, "locale", "en-GB", server);
    expect(buildPatch(drafts, ["locale"])).toEqual({ patch: { locale: "en-GB" }, base: { locale: null } });
  });
});

describe("profile form: merging a newer server profile", () => {
  it("keeps a dirty field's text and base, and reports it changed underneath", () => {
    const before = stored({ email: "old@example.com" });
    const drafts = editDraft({}, "email", "mine@example.com", before);
    const after = stored({ email: "theirs@example.com", phone: "+442079460000" });
    const merged = rebase(drafts, after);
    expect(merged).toBe(drafts);
    expect(merged.email).toEqual({ text: "mine@example.com", start: "old@example.com" });
    expect(changedUnderneath(merged, after)).toEqual(["email"]);
    // Saving it now still says what the trader started from: the server will refuse it.
    expect(buildPatch(merged)?.base).toEqual({ email: "old@example.com" });
  });

  it("drops edits that change nothing any more, so those fields follow the server", () => {
    const before = stored({ email: "old@example.com", locale: "en-US" });
    let drafts = editDraft({}, "email", "same@example.com", before);
    drafts = editDraft(drafts, "locale", "en-US", before); // typed back to the start
    drafts = editDraft(drafts, "phone", "+14155550100", before);
    const merged = rebase(drafts, stored({ email: "same@example.com", locale: "de-DE" }));
    expect(Object.keys(merged)).toEqual(["phone"]);
    expect(changedUnderneath(merged, stored({ email: "same@example.com" }))).toEqual([]);
  });

  it("after a save, sent fields are done unless typed on meanwhile; then they start from the saved value", () => {
    const server = stored();
    let drafts = editDraft({}, "email", "a@example.com", server);
    drafts = editDraft(drafts, "phone", "+14155550100", server);
    const sent = buildPatch(drafts)!.patch;
    drafts = editDraft(drafts, "phone", "+14155550199", server); // typed during the save
    drafts = editDraft(drafts, "locale", "en-GB", server); // not part of the save
    const saved = stored({ email: "a@example.com", phone: "+14155550100" });
    const next = afterSave(drafts, sent, saved);
    expect(next).toEqual({
      phone: { text: "+14155550199", start: "+14155550100" },
      locale: { text: "en-GB", start: null },
    });
  });

  it("apply mine re-bases the field on the value now stored", () => {
    const drafts = editDraft({}, "email", "mine@example.com", stored({ email: "old@example.com" }));
    const next = adoptBase(drafts, "email", "theirs@example.com");
    expect(buildPatch(next)).toEqual({ patch: { email: "mine@example.com" }, base: { email: "theirs@example.com" } });
    expect(changedUnderneath(next, stored({ email: "theirs@example.com" }))).toEqual([]);
  });
});

describe("profile form: validation", () => {
  it("validates with the domain schemas; blank clears and is valid", () => {
    expect(validateField("email", "nope")).toMatch(/email/);
    expect(validateField("phone", "0207 946 0000")).toMatch(/E\.164/);
    expect(validateField("phone", "+14155550100")).toBeNull();
    expect(validateField("baseCurrency", "usd")).toMatch(/ISO 4217/);
    expect(validateField("timezone", "Mars/Olympus")).toMatch(/IANA/);
    expect(validateField("bio", "x".repeat(1001))).toMatch(/1000/);
    expect(validateField("displayName", "")).toBeNull();
  });

  it("maps server field errors to fields", () => {
    expect(serverFieldErrors({ "patch.email": ["not an email address"], patch: ["x"] })).toEqual({ email: "not an email address" });
  });
});

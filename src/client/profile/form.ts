/**
 * The profile form's pure logic (no React, no network): what the trader has
 * typed per field, what each edit started from, what a save sends, and how a
 * newer server profile is folded in without clobbering an edit.
 *
 * A field the trader has not touched has no draft and shows the stored value,
 * so live updates replace it in place. An edited field keeps a draft: its text
 * and `start`, the stored value when the edit began. `start` is the save's
 * `base` for that field and does not follow later server changes, so saving
 * over a value changed elsewhere is refused (CONFLICT) instead of overwriting it.
 */
import { profileFieldSchemas, type ProfileField, type ProfileValues } from "@/domain/profile/schema";

export type FieldValue = string | null;

export interface FieldDraft {
  /** What the control shows. */
  text: string;
  /** The stored value the edit started from: the save's base for this field. */
  start: FieldValue;
}

export type Drafts = Partial<Record<ProfileField, FieldDraft>>;

export interface ProfilePatchRequest {
  patch: Partial<Record<ProfileField, FieldValue>>;
  base: Partial<Record<ProfileField, FieldValue>>;
}

const entries = (drafts: Drafts) => Object.entries(drafts) as Array<[ProfileField, FieldDraft]>;

/** A stored value as control text ("" for not set). */
export function fieldText(value: FieldValue | undefined): string {
  return value ?? "";
}

/** What a control's text would store: blank clears the field; single-line fields are trimmed like the server does. */
export function fieldValue(field: ProfileField, text: string): FieldValue {
  if (text.trim() === "") return null;
  return field === "bio" ? text : text.trim();
}

/** The draft would change the field it started from. */
export function isDirty(field: ProfileField, draft: FieldDraft | undefined): draft is FieldDraft {
  return draft !== undefined && fieldValue(field, draft.text) !== draft.start;
}

export function dirtyFields(drafts: Drafts): ProfileField[] {
  return entries(drafts)
    .filter(([field, draft]) => isDirty(field, draft))
    .map(([field]) => field);
}

/** The trader typed: the first keystroke remembers the stored value the edit starts from. */
export function editDraft(drafts: Drafts, field: ProfileField, text: string, stored: ProfileValues | undefined): Drafts {
  const start = drafts[field] ? drafts[field]!.start : (stored?.[field] ?? null);
  return { ...drafts, [field]: { text, start } };
}

/** Drops the edit: the field shows (and follows) the stored value again. */
export function discardDraft(drafts: Drafts, field: ProfileField): Drafts {
  if (!(field in drafts)) return drafts;
  const { [field]: _dropped, ...rest } = drafts;
  return rest;
}

/** Client-side validation of one field's text (null: fine). Blank is allowed: it clears the field. */
export function validateField(field: ProfileField, text: string): string | null {
  const value = fieldValue(field, text);
  if (value === null) return null;
  const check = profileFieldSchemas[field].safeParse(value);
  return check.success ? null : (check.error.issues[0]?.message ?? "invalid");
}

/** Only the changed fields, each with the value it started from as its base; null when nothing changed. */
export function buildPatch(drafts: Drafts, only?: readonly ProfileField[]): ProfilePatchRequest | null {
  const patch: ProfilePatchRequest["patch"] = {};
  const base: ProfilePatchRequest["base"] = {};
  for (const field of dirtyFields(drafts)) {
    if (only && !only.includes(field)) continue;
    const draft = drafts[field]!;
    patch[field] = fieldValue(field, draft.text);
    base[field] = draft.start;
  }
  return Object.keys(patch).length ? { patch, base } : null;
}

/**
 * Folds a newer stored profile into the drafts. Untouched fields have no
 * draft and simply show it. An edit that no longer changes anything (typed
 * back to where it started, or the server now holds exactly the typed value)
 * is dropped so the field follows the server again. A real edit is kept with
 * its `start` unchanged.
 */
export function rebase(drafts: Drafts, stored: ProfileValues): Drafts {
  let next: Drafts | null = null;
  for (const [field, draft] of entries(drafts)) {
    const value = fieldValue(field, draft.text);
    if (value === draft.start || value === stored[field]) {
      next ??= { ...drafts };
      delete next[field];
    }
  }
  return next ?? drafts;
}

/** Edited fields whose stored value moved on since the edit began: the "changed underneath" notice. */
export function changedUnderneath(drafts: Drafts, stored: ProfileValues | undefined): ProfileField[] {
  if (!stored) return [];
  return dirtyFields(drafts).filter((field) => stored[field] !== drafts[field]!.start);
}

/**
 * A save was acknowledged. Fields it sent whose text is still what was sent are
 * done (they follow the server again); a field typed on while the save was in
 * flight stays a draft that now starts from the saved value.
 */
export function afterSave(drafts: Drafts, sent: ProfilePatchRequest["patch"], saved: ProfileValues): Drafts {
  let next: Drafts = drafts;
  for (const field of Object.keys(sent) as ProfileField[]) {
    const draft = next[field];
    if (!draft) continue;
    next = fieldValue(field, draft.text) === sent[field]
      ? discardDraft(next, field)
      : { ...next, [field]: { text: draft.text, start: saved[field] } };
  }
  return next;
}

/** "Apply mine": the trader has seen the newer value; the edit now starts from it. */
export function adoptBase(drafts: Drafts, field: ProfileField, current: FieldValue): Drafts {
  const draft = drafts[field];
  return draft ? { ...drafts, [field]: { text: draft.text, start: current } } : drafts;
}

/** Field errors from the server (`patch.email` → email). */
export function serverFieldErrors(fieldErrors: Record<string, string[]> | undefined): Partial<Record<ProfileField, string>> {
  const result: Partial<Record<ProfileField, string>> = {};
  for (const [path, messages] of Object.entries(fieldErrors ?? {})) {
    const field = path.replace(/^patch\./, "") as ProfileField;
    if (field in profileFieldSchemas) result[field] = messages.join("; ");
  }
  return result;
}

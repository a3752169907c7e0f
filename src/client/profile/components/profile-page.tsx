"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import { BIO_MAX, EXPERIENCE_LEVELS, PROFILE_FIELDS, type ProfileField, type ProfileView } from "@/domain/profile/schema";
import { formatDateTime } from "../format-time";
import { useLiveSettings, useSetting, useStoredProfile } from "../live-settings";
import { mergeProfile } from "../profile-cache";
import { ProfileEditor, type EditorSnapshot } from "../profile-editor";
import { changedUnderneath, dirtyFields, fieldText, fieldValue, isDirty, validateField } from "../profile-form";
import { trpc } from "../trpc";

interface FieldMeta {
  label: string;
  description: string;
  placeholder?: string;
  type?: "email" | "tel";
  /** Suggestions offered while typing (a datalist). */
  suggestions?: () => string[];
  upperCase?: boolean;
}

function supported(kind: "timeZone" | "currency"): string[] {
  try {
    return Intl.supportedValuesOf(kind);
  } catch {
    return [];
  }
}

const COMMON_LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "pt-BR", "ja-JP", "zh-Hans-CN", "zh-Hant-TW", "ko-KR"];

const EXPERIENCE_LABELS: Record<(typeof EXPERIENCE_LEVELS)[number], string> = {
  beginner: "Beginner",
  intermediate: "Intermediate",
  advanced: "Advanced",
  professional: "Professional",
};

export const profileMeta: Record<ProfileField, FieldMeta> = {
  displayName: { label: "Display name", description: "How you appear to others, 1–80 characters.", placeholder: "Ada Lovelace" },
  email: { label: "Contact email", description: "Where alerts and reports are sent.", placeholder: "you@example.com", type: "email" },
  phone: { label: "Phone", description: "E.164 format: + and country code, e.g. +14155550100.", placeholder: "+14155550100", type: "tel" },
  timezone: { label: "Time zone", description: "Your home IANA zone, e.g. Europe/London.", placeholder: "Europe/London", suggestions: () => supported("timeZone") },
  locale: { label: "Locale", description: "Language and number format as a BCP 47 tag, e.g. en-GB.", placeholder: "en-GB", suggestions: () => COMMON_LOCALES },
  baseCurrency: { label: "Base currency", description: "ISO 4217 code your P&L is reported in.", placeholder: "USD", suggestions: () => supported("currency"), upperCase: true },
  bio: { label: "Bio", description: `A few words about how you trade, up to ${BIO_MAX} characters.` },
  experience: { label: "Experience", description: "Your trading experience." },
};

/** A stored value as the trader reads it. */
function shown(field: ProfileField, value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (field === "experience") return EXPERIENCE_LABELS[value as keyof typeof EXPERIENCE_LABELS] ?? value;
  return value;
}

export function ProfilePage() {
  const { profileStore } = useLiveSettings();
  const utils = trpc.useUtils();
  const query = trpc.profile.get.useQuery(undefined, { refetchOnWindowFocus: true });
  const stored = useStoredProfile();
  const [editor] = useState(() => ProfileEditor.forClient(profileStore, utils.client));
  const state = useSyncExternalStore(editor.subscribe, editor.snapshot, editor.snapshot);
  const zone = useSetting("displayTimeZone")?.value as string | undefined;

  useEffect(() => {
    if (query.data) mergeProfile(profileStore, query.data);
  }, [query.data, profileStore]);
  useEffect(() => editor.attach(), [editor]);

  const loadError = query.error && !stored ? query.error.message : null;
  return (
    <>
      <div className="page-header">
        <h1>Profile</h1>
        <p className="muted">Only the fields you change are saved. Changes made in another tab or device appear here as they happen.</p>
      </div>
      {loadError && <div className="notice notice-error">Could not load your profile: {loadError}</div>}
      {!stored && !loadError && (
        <div className="card skeleton" aria-busy="true">
          Loading profile…
        </div>
      )}
      {stored && <ProfileForm editor={editor} state={state} stored={stored} zone={zone} />}
    </>
  );
}

function ProfileForm({ editor, state, stored, zone }: { editor: ProfileEditor; state: EditorSnapshot; stored: ProfileView; zone?: string }) {
  const dirty = dirtyFields(state.drafts);
  const saving = state.save.phase === "saving";
  const pending = dirty.filter((field) => !state.conflicts.includes(field));
  const invalid = pending.some((field) => validateField(field, state.drafts[field]!.text));
  const underneath = changedUnderneath(state.drafts, stored);

  return (
    <form
      className="card profile-form"
      data-testid="profile-form"
      data-version={stored.version}
      onSubmit={(event) => {
        event.preventDefault();
        void editor.save();
      }}
      noValidate
    >
      <div className="profile-head">
        <h2 className="card-title">Personal details</h2>
        <span className="profile-meta">
          <span className="version" data-testid="profile-version" title="Version of your profile">v{stored.version}</span>
          <span className="muted">{stored.version === 0 ? "never saved" : `updated ${formatDateTime(stored.updatedAt, zone)}`}</span>
        </span>
      </div>
      {state.conflicts.length > 0 && <ConflictPanel editor={editor} state={state} stored={stored} />}
      {PROFILE_FIELDS.map((field) => (
        <FieldRow
          key={field}
          field={field}
          editor={editor}
          state={state}
          stored={stored}
          changed={underneath.includes(field) && !state.conflicts.includes(field)}
          zone={zone}
        />
      ))}
      <div className="form-footer">
        <SaveState state={state} waiting={state.conflicts.length} />
        <span className="muted form-count">
          {dirty.length === 0 ? "No unsaved changes" : `${dirty.length} unsaved change${dirty.length === 1 ? "" : "s"}`}
        </span>
        <button
          type="button"
          className="button button-quiet"
          disabled={saving || dirty.length === 0}
          onClick={() => dirty.forEach((field) => editor.keepTheirs(field))}
          data-testid="profile-discard"
        >
          Discard
        </button>
        <button type="submit" className="button button-primary" disabled={saving || pending.length === 0 || invalid} data-testid="profile-save">
          {saving ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}

function FieldRow(props: { field: ProfileField; editor: ProfileEditor; state: EditorSnapshot; stored: ProfileView; changed: boolean; zone?: string }) {
  const { field, editor, state, stored, changed, zone } = props;
  const meta = profileMeta[field];
  const draft = state.drafts[field];
  const text = draft ? draft.text : fieldText(stored[field]);
  const edited = isDirty(field, draft);
  const error = (edited ? validateField(field, text) : null) ?? state.serverErrors[field] ?? null;
  const [suggestions, setSuggestions] = useState<string[]>([]);
  useEffect(() => setSuggestions(meta.suggestions?.() ?? []), [meta]);

  const common = {
    id: `profile-${field}`,
    name: field,
    value: text,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": `profile-${field}-description`,
    "data-testid": `profile-field-${field}`,
    "data-dirty": edited || undefined,
  } as const;
  const onChange = (value: string) => editor.edit(field, meta.upperCase ? value.toUpperCase() : value);
  const inputClass = `input input-wide${error ? " input-invalid" : ""}${edited ? " input-dirty" : ""}`;

  let control;
  if (field === "experience") {
    control = (
      <select {...common} className={`input select${error ? " input-invalid" : ""}${edited ? " input-dirty" : ""}`} onChange={(e) => onChange(e.target.value)}>
        <option value="">Not set</option>
        {EXPERIENCE_LEVELS.map((level) => <option key={level} value={level}>{EXPERIENCE_LABELS[level]}</option>)}
      </select>
    );
  } else if (field === "bio") {
    const length = text.length;
    control = (
      <>
        <textarea {...common} className={`input textarea${error ? " input-invalid" : ""}${edited ? " input-dirty" : ""}`} rows={4} onChange={(e) => onChange(e.target.value)} />
        <span className={`hint counter${length > BIO_MAX ? " counter-over" : ""}`} data-testid="profile-bio-count" aria-live="polite">
          {length} / {BIO_MAX}
        </span>
      </>
    );
  } else {
    control = (
      <>
        <input
          {...common}
          className={inputClass}
          type={meta.type ?? "text"}
          placeholder={meta.placeholder}
          list={suggestions.length ? `profile-${field}-suggestions` : undefined}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => onChange(e.target.value)}
        />
        {suggestions.length > 0 && (
          <datalist id={`profile-${field}-suggestions`}>
            {suggestions.map((value) => <option key={value} value={value} />)}
          </datalist>
        )}
      </>
    );
  }

  return (
    <div className="setting profile-field" data-field={field} data-stored-value={stored[field] ?? ""}>
      <div className="setting-main">
        <div className="setting-info">
          <label className="setting-label" htmlFor={`profile-${field}`}>{meta.label}</label>
          <p className="setting-description" id={`profile-${field}-description`}>{meta.description}</p>
          {stored.changedAt[field] && <p className="setting-meta muted">changed {formatDateTime(stored.changedAt[field], zone)}</p>}
        </div>
        <div className="setting-control">
          {control}
          {error && <p className="field-error" data-testid={`profile-error-${field}`}>{error}</p>}
          {changed && (
            <p className="hint hint-warn changed-notice" data-testid={`profile-changed-${field}`}>
              Changed in another tab/device: <strong>{shown(field, stored[field])}</strong>
              <button type="button" className="link-button" onClick={() => editor.keepTheirs(field)} data-testid={`profile-use-theirs-${field}`}>
                Use theirs
              </button>
            </p>
          )}
        </div>
      </div>
    </div>
  );
}

/** A save was refused: these fields changed elsewhere since the trader started editing them. */
function ConflictPanel({ editor, state, stored }: { editor: ProfileEditor; state: EditorSnapshot; stored: ProfileView }) {
  const saving = state.save.phase === "saving";
  return (
    <div className="conflict-panel" role="alert" data-testid="profile-conflict">
      <h3>Changed elsewhere — choose which value to keep</h3>
      <p className="muted">
        Another tab or device saved these fields while you were editing. Nothing was saved. Your other changes are kept and go with your next save.
      </p>
      {state.conflicts.map((field) => {
        const draft = state.drafts[field];
        const mine = draft ? fieldValue(field, draft.text) : null;
        return (
          <div className="conflict-row" key={field} data-testid={`profile-conflict-${field}`} data-field={field}>
            <div className="conflict-label">{profileMeta[field].label}</div>
            <div className="compare">
              <div className="compare-side">
                <div className="compare-title">Theirs · now stored</div>
                <div className="compare-value" data-testid={`profile-conflict-theirs-${field}`}>{shown(field, stored[field])}</div>
              </div>
              <div className="compare-side compare-mine">
                <div className="compare-title">Yours · not saved</div>
                <div className="compare-value" data-testid={`profile-conflict-mine-${field}`}>{shown(field, mine)}</div>
              </div>
            </div>
            <div className="conflict-actions">
              <button type="button" className="button" onClick={() => editor.keepTheirs(field)} data-testid={`profile-keep-theirs-${field}`}>
                Keep theirs
              </button>
              <button
                type="button"
                className="button button-primary"
                disabled={saving}
                onClick={() => editor.applyMine(field)}
                data-testid={`profile-apply-mine-${field}`}
              >
                Apply mine
              </button>
            </div>
          </div>
        );
      })}
    </div>
  );
}

function SaveState({ state, waiting }: { state: EditorSnapshot; waiting: number }) {
  const save = state.save;
  let text = "";
  if (save.phase === "saving") text = "Saving…";
  else if (save.phase === "saved") text = `Saved (v${save.version})`;
  else if (save.phase === "error") text = save.message;
  else if (save.phase === "conflict") text = `${waiting} field${waiting === 1 ? "" : "s"} changed elsewhere: choose above`;
  return (
    <span
      className={`save-state save-${save.phase}`}
      data-testid="profile-save-state"
      data-state={save.phase}
      role={save.phase === "error" ? "alert" : undefined}
      aria-live="polite"
    >
      {text}
    </span>
  );
}

"use client";

import { useEffect, useState } from "react";
import { BIO_MAX, EXPERIENCE_LEVELS, type ProfileField, type ProfileView } from "@/domain/profile/schema";
import { formatDateTime } from "../../ui/format-time";
import type { EditorSnapshot, ProfileEditor } from "../actions";
import { fieldText, isDirty, validateField } from "../form";
import { EXPERIENCE_LABELS, formatValue, profileMeta } from "../meta";

/** One profile field: label, control, its error, and a notice when it changed elsewhere while edited. */
export function ProfileFieldRow(props: { field: ProfileField; editor: ProfileEditor; state: EditorSnapshot; stored: ProfileView; changed: boolean; zone?: string }) {
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
              Changed in another tab/device: <strong>{formatValue(field, stored[field])}</strong>
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

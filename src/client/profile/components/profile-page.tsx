"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import { PROFILE_FIELDS, type ProfileView } from "@/domain/profile/schema";
import { trpc } from "../../live/trpc";
import { useSetting } from "../../settings/live";
import { formatDateTime } from "../../ui/format-time";
import { ProfileEditor, type EditorSnapshot } from "../actions";
import { changedUnderneath, dirtyFields, validateField } from "../form";
import { useProfileStore, useStoredProfile } from "../live";
import { mergeProfile } from "../store";
import { ProfileConflict } from "./profile-conflict";
import { ProfileFieldRow } from "./profile-field-row";

export function ProfilePage() {
  const profileStore = useProfileStore();
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
      {state.conflicts.length > 0 && <ProfileConflict editor={editor} state={state} stored={stored} />}
      {PROFILE_FIELDS.map((field) => (
        <ProfileFieldRow
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

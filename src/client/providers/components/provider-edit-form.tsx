"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { updateProviderInput, type ProviderView } from "@/domain/providers/schema";
import { errorCode, errorMessage } from "../../live/trpc";
import { ConflictPanel } from "../../ui/conflict-panel";
import { useProviderActions } from "../actions";
import {
  changedSince,
  changesOf,
  conflictCurrent,
  conflictingFields,
  draftOf,
  hasChanges,
  schemaErrors,
  serverFieldErrors,
  type EditableField,
  type EditSession,
  type EditSessions,
  type PendingUpdate,
  type ProviderDraft,
} from "../form";
import { ApiKeyField, TextField } from "./provider-fields";

const LABELS: Record<EditableField, string> = { name: "Name", model: "Model", baseUrl: "Base URL", apiKey: "API key" };

/** What the edit's version check is against: the values and version the trader last saw. */
interface Base {
  start: ProviderDraft;
  startHint: string;
  version: number;
}

/** Edits one provider; `live` is the provider as the store holds it now (undefined once deleted). */
export function ProviderEditForm({ id, live, session, edits }: { id: string; live: ProviderView | undefined; session: EditSession; edits: EditSessions }) {
  const actions = useProviderActions();
  const keyRef = useRef<HTMLInputElement>(null);
  const [keyTyped, setKeyTyped] = useState(false);
  const { phase, draft } = session;
  const changes = changesOf(session.start, draft);
  const busy = phase.kind === "saving" || phase.kind === "saved";
  const locked = busy || phase.kind === "conflict";
  const fieldErrors = phase.kind === "error" ? phase.fieldErrors : {};
  const underneath = live && phase.kind !== "conflict" ? changedSince(session.start, session.startHint, live) : [];

  useEffect(() => {
    if (phase.kind === "saved" && (!live || live.version >= phase.version)) edits.close(id);
  }, [phase, live, edits, id]);

  const send = async (pending: PendingUpdate, base: Base, rebased = 0): Promise<void> => {
    edits.setPhase(id, { kind: "saving" });
    try {
      const apiKey = pending.apiKey !== undefined ? { apiKey: pending.apiKey } : {};
      const saved = await actions.update(id, { ...pending.changes, ...apiKey }, base.version);
      edits.setPhase(id, { kind: "saved", version: saved.version });
    } catch (error) {
      const code = errorCode(error);
      const theirs = code === "CONFLICT" ? conflictCurrent(error) : null;
      if (theirs) {
        // Only the version moved (e.g. another provider was activated): none of the
        // fields this save writes changed, so it goes on top of the newer version.
        if (rebased < 2 && conflictingFields(base.start, base.startHint, pending, theirs).length === 0) {
          return send(pending, { ...base, version: theirs.version }, rebased + 1);
        }
        edits.setPhase(id, { kind: "conflict", mine: pending, theirs });
      } else if (code === "NOT_FOUND") {
        edits.setPhase(id, { kind: "gone" });
      } else {
        const fields = serverFieldErrors(error);
        edits.setPhase(id, { kind: "error", message: fields ? (fields["(input)"] ?? null) : errorMessage(error), fieldErrors: fields ?? {} });
      }
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const apiKey = keyRef.current?.value.trim() || undefined;
    const errors = schemaErrors(updateProviderInput, { id, ...changes, ...(apiKey && { apiKey }), expectedVersion: session.baseVersion });
    if (errors) return edits.setPhase(id, { kind: "error", message: errors["(input)"] ?? null, fieldErrors: errors });
    if (keyRef.current) keyRef.current.value = "";
    setKeyTyped(false);
    void send({ changes, apiKey }, { start: session.start, startHint: session.startHint, version: session.baseVersion });
  };

  if (phase.kind === "gone" || (!live && !busy)) return <GoneNotice name={session.start.name} onDismiss={() => edits.close(id)} />;

  return (
    <form className="provider-edit" onSubmit={onSubmit} noValidate data-testid={`provider-edit-${id}`} data-phase={phase.kind}>
      {phase.kind === "conflict" && (
        <ProviderConflict
          id={id}
          mine={phase.mine}
          theirs={live ?? phase.theirs}
          busy={busy}
          onReloadTheirs={() => edits.restart(live ?? phase.theirs)}
          onApplyMine={() => {
            const seen = live ?? phase.theirs;
            void send(phase.mine, { start: draftOf(seen), startHint: seen.apiKeyHint, version: seen.version });
          }}
        />
      )}
      {underneath.length > 0 && live && (
        <p className="hint hint-warn changed-notice" data-testid={`provider-changed-${id}`}>
          Changed elsewhere since you started editing: {underneath.map((field) => `${LABELS[field]} is now ${shown(field, live)}`).join("; ")}.
          <button type="button" className="link-button" onClick={() => edits.restart(live)} data-testid={`provider-reload-${id}`}>
            Reload theirs
          </button>
        </p>
      )}
      <div className="provider-fields">
        <TextField label="Name" name="name" idPrefix={`provider-${id}`} value={draft.name} error={fieldErrors.name} disabled={locked} onChange={(value) => edits.change(id, "name", value)} />
        <TextField label="Model" name="model" idPrefix={`provider-${id}`} value={draft.model} error={fieldErrors.model} disabled={locked} onChange={(value) => edits.change(id, "model", value)} />
        <TextField
          label="Base URL"
          name="baseUrl"
          idPrefix={`provider-${id}`}
          value={draft.baseUrl}
          error={fieldErrors.baseUrl}
          disabled={locked}
          placeholder="Optional: the provider's default endpoint"
          onChange={(value) => edits.change(id, "baseUrl", value)}
        />
        <ApiKeyField
          label="Replace API key"
          idPrefix={`provider-${id}`}
          inputRef={keyRef}
          error={fieldErrors.apiKey}
          disabled={locked}
          placeholder={`Leave empty to keep ${live?.apiKeyHint ?? session.startHint}`}
          onInput={(value) => setKeyTyped(value !== "")}
        />
      </div>
      <div className="provider-edit-footer">
        <span className={`save-state save-${phase.kind}`} role={phase.kind === "error" ? "alert" : undefined} aria-live="polite" data-testid={`provider-save-state-${id}`}>
          {phase.kind === "saving" || phase.kind === "saved" ? "Saving…" : phase.kind === "error" ? (phase.message ?? "Check the fields above") : ""}
        </span>
        <button type="button" className="button button-quiet" disabled={busy} onClick={() => edits.close(id)} data-testid={`provider-cancel-${id}`}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={locked || (!hasChanges(changes) && !keyTyped)}
          data-testid={`provider-save-${id}`}
        >
          {busy ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}

function shown(field: EditableField, view: ProviderView): string {
  if (field === "apiKey") return `a different key (${view.apiKeyHint})`;
  const value = draftOf(view)[field];
  return value === "" ? "(none)" : `“${value}”`;
}

function ProviderConflict(props: { id: string; mine: PendingUpdate; theirs: ProviderView; busy: boolean; onReloadTheirs(): void; onApplyMine(): void }) {
  const { id, mine, theirs, busy } = props;
  const fields: EditableField[] = [...(Object.keys(mine.changes) as EditableField[]), ...(mine.apiKey !== undefined ? (["apiKey"] as const) : [])];
  return (
    <ConflictPanel
      testId={`provider-conflict-${id}`}
      testIdPrefix="provider-conflict"
      title="Changed elsewhere — choose which to keep"
      description="Another tab or API client saved this provider while you were editing. Nothing of yours was saved."
      theirsTitle={`Theirs · now stored (v${theirs.version})`}
      fields={fields.map((field) => ({
        field,
        label: LABELS[field],
        theirs: field === "apiKey" ? theirs.apiKeyHint : draftOf(theirs)[field] || "(none)",
        mine: field === "apiKey" ? "a new key (hidden)" : (mine.changes[field] ?? "") || "(none)",
      }))}
      choices={{
        keepTheirs: { label: "Reload theirs", testId: `provider-keep-theirs-${id}`, disabled: busy, onChoose: props.onReloadTheirs },
        applyMine: { label: "Re-apply mine", testId: `provider-apply-mine-${id}`, disabled: busy, onChoose: props.onApplyMine },
      }}
    />
  );
}

function GoneNotice({ name, onDismiss }: { name: string; onDismiss(): void }) {
  return (
    <div className="notice notice-error provider-gone" role="alert" data-testid="provider-gone">
      “{name}” was deleted in another tab or by an API client while you were editing it; your changes were not saved.{" "}
      <button type="button" className="link-button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

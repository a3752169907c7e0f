"use client";

import { useEffect, type FormEvent } from "react";
import { updateAlertInput, type AlertView } from "@/domain/alerts/schema";
import { errorCode, errorMessage } from "../../live/trpc";
import { usePrice } from "../../prices/live";
import { useSetting } from "../../settings/live";
import { ConflictPanel } from "../../ui/conflict-panel";
import { conflictCurrentRaw, schemaFieldErrors, serverFieldErrors } from "../../ui/field-errors";
import { formatPrice, formatSeconds } from "../../ui/format-number";
import { formatFullDateTime } from "../../ui/zoned-time";
import { useAlertActions, type AlertChanges } from "../actions";
import {
  changedSince,
  changesOf,
  conflictingFields,
  draftOf,
  FIELD_LABELS,
  hasChanges,
  type EditableField,
  type EditSession,
  type EditSessions,
} from "../form";
import { CONDITION_LABELS, MODE_LABELS } from "../meta";
import { toAlertView } from "../store";
import { AlertFields } from "./alert-fields";

/**
 * Edits one alert; `live` is the alert as the store holds it now (undefined
 * once deleted). The save sends only the changed fields with the version the
 * edit started from. A CONFLICT whose newer version changed none of those
 * fields (the alert fired, or was rearmed) is sent again on top of it; one
 * that did shows both values and lets the trader choose.
 */
export function AlertEditForm({ id, live, session, edits }: { id: string; live: AlertView | undefined; session: EditSession; edits: EditSessions }) {
  const actions = useAlertActions();
  const zone = useSetting("displayTimeZone")?.value as string | undefined;
  const defaultCooldown = useSetting("alertCooldownSeconds")?.value as number | undefined;
  const last = usePrice(session.start.ticker);
  const { phase, draft } = session;
  const changes = changesOf(session.start, draft, zone);
  const busy = phase.kind === "saving" || phase.kind === "saved";
  const locked = busy || phase.kind === "conflict";
  const errors = phase.kind === "error" ? phase.fieldErrors : {};
  const underneath = live && phase.kind !== "conflict" && !busy ? changedSince(session.start, live, zone) : [];

  useEffect(() => {
    if (phase.kind === "saved" && (!live || live.version >= phase.version)) edits.close(id);
  }, [phase, live, edits, id]);

  const send = async (mine: AlertChanges, start: EditSession["start"], version: number, rebased = 0): Promise<void> => {
    edits.setPhase(id, { kind: "saving" });
    try {
      const saved = await actions.update(id, mine, version);
      edits.setPhase(id, { kind: "saved", version: saved.version });
    } catch (error) {
      const code = errorCode(error);
      const theirs = code === "CONFLICT" ? toAlertView(conflictCurrentRaw(error)) : null;
      if (theirs) {
        if (rebased < 3 && conflictingFields(start, mine, theirs, zone).length === 0) return send(mine, start, theirs.version, rebased + 1);
        edits.setPhase(id, { kind: "conflict", mine, theirs });
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
    if (locked || !hasChanges(changes)) return;
    const invalid = schemaFieldErrors(updateAlertInput, { id, ...changes, expectedVersion: session.baseVersion });
    if (invalid) return edits.setPhase(id, { kind: "error", message: invalid["(input)"] ?? null, fieldErrors: invalid });
    void send(changes, session.start, session.baseVersion);
  };

  if (phase.kind === "gone" || (!live && !busy)) {
    return (
      <div className="notice notice-error alert-gone" role="alert" data-testid={`alert-gone-${id}`}>
        This alert was deleted in another tab or by an API client while you were editing it; your changes were not saved.{" "}
        <button type="button" className="link-button" onClick={() => edits.close(id)}>
          Dismiss
        </button>
      </div>
    );
  }

  return (
    <form
      className="alert-edit"
      onSubmit={onSubmit}
      onKeyDown={(event) => event.key === "Escape" && !busy && edits.close(id)}
      noValidate
      data-testid={`alert-edit-${id}`}
      data-phase={phase.kind}
    >
      {phase.kind === "conflict" && (
        <ConflictPanel
          testId={`alert-conflict-${id}`}
          testIdPrefix="alert-conflict"
          title="Changed elsewhere — choose which to keep"
          description="Another tab or API client changed this alert while you were editing it. Nothing of yours was saved."
          theirsTitle={`Theirs · now stored (v${(live ?? phase.theirs).version})`}
          fields={(Object.keys(phase.mine) as EditableField[]).map((field) => ({
            field,
            label: FIELD_LABELS[field],
            theirs: shown(field, draftOf(live ?? phase.theirs, zone)[field]),
            mine: shown(field, session.draft[field]),
          }))}
          choices={{
            keepTheirs: { label: "Reload theirs", testId: `alert-keep-theirs-${id}`, onChoose: () => edits.restart(live ?? phase.theirs) },
            applyMine: {
              label: "Re-apply mine",
              testId: `alert-apply-mine-${id}`,
              onChoose: () => {
                const seen = live ?? phase.theirs;
                void send(phase.mine, draftOf(seen, zone), seen.version);
              },
            },
          }}
        />
      )}
      {underneath.length > 0 && live && (
        <p className="hint hint-warn changed-notice" data-testid={`alert-changed-${id}`}>
          Changed elsewhere since you started editing: {underneath.map((field) => `${FIELD_LABELS[field]} is now ${describe(field, live, zone)}`).join("; ")}.
          <button type="button" className="link-button" onClick={() => edits.restart(live)} data-testid={`alert-reload-${id}`}>
            Reload theirs
          </button>
        </p>
      )}
      <AlertFields
        prefix={`alert-${id}`}
        draft={draft}
        errors={errors}
        disabled={locked}
        onChange={(field, value) => field !== "ticker" && edits.change(id, field, value as never)}
        lastPrice={last?.price}
        defaultCooldown={defaultCooldown}
        zone={zone}
      />
      <div className="alert-form-footer">
        <span
          className={`save-state save-${phase.kind}`}
          role={phase.kind === "error" ? "alert" : undefined}
          aria-live="polite"
          data-testid={`alert-save-state-${id}`}
          data-state={phase.kind}
        >
          {busy ? "Saving…" : phase.kind === "error" ? (phase.message ?? "Check the fields above") : ""}
        </span>
        <button type="button" className="button button-quiet" disabled={busy} onClick={() => edits.close(id)} data-testid={`alert-cancel-${id}`}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={locked || !hasChanges(changes)} data-testid={`alert-save-${id}`}>
          {busy ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}

function shown(field: EditableField, value: string): string {
  if (value.trim() === "") return field === "expiresAt" ? "never" : "(none)";
  if (field === "condition") return CONDITION_LABELS[value as keyof typeof CONDITION_LABELS] ?? value;
  if (field === "mode") return MODE_LABELS[value as keyof typeof MODE_LABELS] ?? value;
  if (field === "expiresAt") return value.replace("T", " ");
  return value;
}

function describe(field: EditableField, view: AlertView, zone: string | undefined): string {
  switch (field) {
    case "condition":
      return CONDITION_LABELS[view.condition];
    case "threshold":
      return formatPrice(view.threshold);
    case "mode":
      return MODE_LABELS[view.mode];
    case "cooldownSeconds":
      return formatSeconds(view.cooldownSeconds);
    case "expiresAt":
      return view.expiresAt ? formatFullDateTime(view.expiresAt, zone) : "never";
    case "note":
      return view.note ? `“${view.note}”` : "(none)";
  }
}

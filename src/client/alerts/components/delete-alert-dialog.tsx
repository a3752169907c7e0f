"use client";

import { useEffect, useRef, useState } from "react";
import type { AlertView } from "@/domain/alerts/schema";
import { errorCode, errorMessage } from "../../live/trpc";
import { conflictCurrentRaw } from "../../ui/field-errors";
import { useAlertActions } from "../actions";
import { describeCondition, STATE_LABELS } from "../meta";
import { toAlertView } from "../store";

type Phase = { kind: "confirm" } | { kind: "deleting" } | { kind: "deleted" } | { kind: "changed" } | { kind: "error"; message: string };

/**
 * Confirms a delete and sends it with the version the trader saw: an alert
 * edited meanwhile is not deleted unseen (confirm again against what is
 * stored now). A firing also changes the version; the dialog says so.
 */
export function DeleteAlertDialog({ seen: initial, live, onClose }: { seen: AlertView; live: AlertView | undefined; onClose(): void }) {
  const actions = useAlertActions();
  const [seen, setSeen] = useState(initial);
  const [phase, setPhase] = useState<Phase>({ kind: "confirm" });
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  useEffect(() => {
    if (phase.kind === "deleted" && !live) onClose();
  }, [phase, live, onClose]);

  const shown = live ?? seen;
  const busy = phase.kind === "deleting" || phase.kind === "deleted";
  const goneElsewhere = !live && !busy;

  const confirm = async () => {
    setPhase({ kind: "deleting" });
    try {
      await actions.remove(seen.id, seen.version);
      setPhase({ kind: "deleted" });
    } catch (error) {
      const code = errorCode(error);
      const current = code === "CONFLICT" ? toAlertView(conflictCurrentRaw(error)) : null;
      if (current) {
        setSeen(current);
        setPhase({ kind: "changed" });
      } else if (code === "NOT_FOUND") {
        setPhase({ kind: "deleted" });
      } else {
        setPhase({ kind: "error", message: errorMessage(error) });
      }
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="delete-alert-title"
        aria-describedby="delete-alert-description"
        data-testid="alert-delete-dialog"
        data-phase={phase.kind}
        onKeyDown={(event) => event.key === "Escape" && !busy && onClose()}
      >
        <h2 id="delete-alert-title">
          Delete the {shown.ticker} alert?
        </h2>
        <div id="delete-alert-description">
          <p className="muted">
            {shown.ticker} {describeCondition(shown.condition, shown.threshold)} · {STATE_LABELS[shown.state].toLowerCase()}
            {shown.fireCount > 0 ? ` · fired ${shown.fireCount}×` : ""}. Its firing history is deleted with it; this cannot be undone.
          </p>
          {phase.kind === "changed" && (
            <p className="hint hint-warn" role="alert" data-testid="alert-delete-changed">
              It changed after you opened this dialog (now v{seen.version}: {describeCondition(seen.condition, seen.threshold)}, {STATE_LABELS[seen.state].toLowerCase()}). Nothing was deleted. Confirm again to delete it as it is now.
            </p>
          )}
          {goneElsewhere && (
            <p className="hint hint-warn" role="alert" data-testid="alert-delete-gone">
              It was already deleted in another tab or by an API client.
            </p>
          )}
          {phase.kind === "error" && <p className="field-error" role="alert">{phase.message}</p>}
        </div>
        <div className="dialog-actions">
          <button ref={cancelRef} type="button" className="button" disabled={busy} onClick={onClose} data-testid="alert-delete-cancel">
            {goneElsewhere ? "Close" : "Cancel"}
          </button>
          <button type="button" className="button button-danger-solid" disabled={busy || goneElsewhere} onClick={() => void confirm()} data-testid="alert-delete-confirm">
            {busy ? "Deleting…" : "Delete"}
          </button>
        </div>
      </div>
    </div>
  );
}

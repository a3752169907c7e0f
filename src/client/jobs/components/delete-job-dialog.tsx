"use client";

import { useEffect, useRef, useState } from "react";
import type { JobView } from "@/domain/jobs/schema";
import { errorCode, errorMessage } from "../../live/trpc";
import { useJobActions } from "../actions";
import { conflictCurrent } from "../form";
import { describeSchedule } from "../meta";

export interface DeleteRequest {
  id: string;
  /** The job as shown when the trader asked to delete it. */
  seen: JobView;
}

type Phase =
  | { kind: "confirm" }
  | { kind: "deleting" }
  | { kind: "deleted" }
  /** It changed after the dialog opened: the trader confirms again against what is stored now. */
  | { kind: "changed" }
  | { kind: "error"; message: string };

/**
 * Confirms and sends a delete with the version the trader saw, so a job that
 * changed meanwhile (rescheduled, paused elsewhere) is not deleted unseen.
 */
export function DeleteJobDialog({ request, live, onClose }: { request: DeleteRequest; live: JobView | undefined; onClose(): void }) {
  const actions = useJobActions();
  const [seen, setSeen] = useState(request.seen);
  const [phase, setPhase] = useState<Phase>({ kind: "confirm" });
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  useEffect(() => {
    // Close once the list no longer has it, so the card and the dialog go together.
    if (phase.kind === "deleted" && !live) onClose();
  }, [phase, live, onClose]);

  const shown = live ?? seen;
  const busy = phase.kind === "deleting" || phase.kind === "deleted";
  const goneElsewhere = !live && !busy;

  const confirm = async () => {
    setPhase({ kind: "deleting" });
    try {
      await actions.remove(request.id, seen.version);
      setPhase({ kind: "deleted" });
    } catch (error) {
      const code = errorCode(error);
      const current = code === "CONFLICT" ? conflictCurrent(error) : null;
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
        aria-labelledby="delete-job-title"
        aria-describedby="delete-job-description"
        data-testid="job-delete-dialog"
        data-phase={phase.kind}
        onKeyDown={(event) => event.key === "Escape" && !busy && onClose()}
      >
        <h2 id="delete-job-title">Delete “{shown.name}”?</h2>
        <div id="delete-job-description">
          <p className="muted">
            It runs {describeSchedule(shown.schedule)}{shown.paused ? " (paused)" : ""}. Its run history is deleted with it, and a run in progress is
            dropped. This cannot be undone.
          </p>
          {phase.kind === "changed" && (
            <p className="hint hint-warn" role="alert" data-testid="job-delete-changed">
              It changed after you opened this dialog (now v{seen.version}: {describeSchedule(seen.schedule)}
              {seen.paused ? ", paused" : ""}). Nothing was deleted. Confirm again to delete it as it is now.
            </p>
          )}
          {goneElsewhere && (
            <p className="hint hint-warn" role="alert" data-testid="job-delete-gone">
              It was already deleted in another tab or by an API client.
            </p>
          )}
          {phase.kind === "error" && (
            <p className="field-error" role="alert">
              {phase.message}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button ref={cancelRef} type="button" className="button" disabled={busy} onClick={onClose} data-testid="job-delete-cancel">
            {goneElsewhere ? "Close" : "Cancel"}
          </button>
          <button type="button" className="button button-danger-solid" disabled={busy || goneElsewhere} onClick={() => void confirm()} data-testid="job-delete-confirm">
            {busy ? "Deleting…" : "Delete job"}
          </button>
        </div>
      </div>
    </div>
  );
}

"use client";

import { useEffect, useRef, useState } from "react";
import type { ProviderView } from "@/domain/providers/schema";
import { errorCode, errorMessage } from "../../live/trpc";
import { useProviderActions } from "../actions";
import { conflictCurrent } from "../form";

export interface DeleteRequest {
  id: string;
  /** The provider as shown when the trader asked to delete it. */
  seen: ProviderView;
}

type Phase =
  | { kind: "confirm" }
  | { kind: "deleting" }
  | { kind: "deleted" }
  /** It changed after the dialog opened: the trader confirms again against what is stored now. */
  | { kind: "changed" }
  | { kind: "error"; message: string };

/**
 * Confirms and sends a delete with the version the trader saw, so a provider
 * that changed meanwhile (edited, activated elsewhere) is not deleted unseen.
 */
export function DeleteProviderDialog({ request, live, onClose }: { request: DeleteRequest; live: ProviderView | undefined; onClose(): void }) {
  const actions = useProviderActions();
  const [seen, setSeen] = useState(request.seen);
  const [phase, setPhase] = useState<Phase>({ kind: "confirm" });
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  useEffect(() => {
    // Close once the list no longer has it, so the row and the dialog go together.
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
        aria-labelledby="delete-provider-title"
        aria-describedby="delete-provider-description"
        data-testid="provider-delete-dialog"
        data-phase={phase.kind}
        onKeyDown={(event) => event.key === "Escape" && !busy && onClose()}
      >
        <h2 id="delete-provider-title">Delete “{shown.name}”?</h2>
        <div id="delete-provider-description">
          <p className="muted">
            {shown.model} · key {shown.apiKeyHint}. Its encrypted API key is deleted with it; this cannot be undone.
          </p>
          {shown.isActive && <p className="hint hint-warn delete-active-note">It is the active provider: the most recently active other provider takes its place.</p>}
          {phase.kind === "changed" && (
            <p className="hint hint-warn" role="alert" data-testid="provider-delete-changed">
              It changed after you opened this dialog (now v{seen.version}: {seen.name} · {seen.model}{seen.isActive ? ", active" : ""}). Nothing was deleted. Confirm again to delete it as it is now.
            </p>
          )}
          {goneElsewhere && (
            <p className="hint hint-warn" role="alert" data-testid="provider-delete-gone">
              It was already deleted in another tab or by an API client.
            </p>
          )}
          {phase.kind === "error" && <p className="field-error" role="alert">{phase.message}</p>}
        </div>
        <div className="dialog-actions">
          <button ref={cancelRef} type="button" className="button" disabled={busy} onClick={onClose} data-testid="provider-delete-cancel">
            {goneElsewhere ? "Close" : "Cancel"}
          </button>
          <button type="button" className="button button-danger-solid" disabled={busy || goneElsewhere} onClick={() => void confirm()} data-testid="provider-delete-confirm">
            {busy ? "Deleting…" : "Delete"}
          </button>
        </div>
      </div>
    </div>
  );
}

"use client";

import { useEffect, useState, type KeyboardEvent } from "react";
import type { ProviderView } from "@/domain/providers/schema";
import { errorMessage } from "../../live/trpc";
import { useSetting } from "../../settings/live";
import { formatDateTime } from "../../ui/format-time";
import { useProviderActions } from "../actions";
import type { EditSession, EditSessions } from "../form";
import { ProviderEditForm } from "./provider-edit-form";

type Activation = { kind: "idle" } | { kind: "pending" } | { kind: "sent"; version: number } | { kind: "error"; message: string };

/**
 * One provider. The radio shows only what the store holds: clicking it sends
 * setActive and marks the row as pending, and the check moves when the new
 * list arrives, so a tab never shows an activation the server has not made.
 */
export function ProviderRow(props: { provider: ProviderView; session: EditSession | undefined; edits: EditSessions; onDelete(provider: ProviderView): void }) {
  const { provider, session, edits, onDelete } = props;
  const actions = useProviderActions();
  const [activation, setActivation] = useState<Activation>({ kind: "idle" });
  const zone = useSetting("displayTimeZone")?.value as string | undefined;
  const id = provider.id;

  useEffect(() => {
    if (activation.kind === "sent" && provider.version >= activation.version) setActivation({ kind: "idle" });
  }, [activation, provider.version]);

  const activate = async () => {
    if (provider.isActive || activation.kind === "pending") return;
    setActivation({ kind: "pending" });
    try {
      const view = await actions.activate(id);
      setActivation({ kind: "sent", version: view.version });
    } catch (error) {
      setActivation({ kind: "error", message: errorMessage(error) });
    }
  };
  const pending = activation.kind === "pending" || activation.kind === "sent";

  return (
    <div
      className={`provider-row${provider.isActive ? " provider-active" : ""}`}
      data-testid={`provider-${id}`}
      data-active={provider.isActive ? "true" : "false"}
      data-version={provider.version}
      data-name={provider.name}
    >
      <div className="provider-main">
        <button
          type="button"
          role="radio"
          aria-checked={provider.isActive}
          aria-labelledby={`provider-${id}-name`}
          aria-describedby={`provider-${id}-details`}
          tabIndex={provider.isActive ? 0 : -1}
          className="provider-radio"
          onClick={() => void activate()}
          onKeyDown={moveFocus}
          data-pending={pending ? "true" : undefined}
          data-testid={`provider-activate-${id}`}
        >
          <span className="radio-dot" aria-hidden />
        </button>
        <div className="provider-info">
          <div className="provider-title">
            <span className="provider-name" id={`provider-${id}-name`} data-testid={`provider-name-${id}`}>{provider.name}</span>
            {provider.isActive && <span className="badge badge-current">Active</span>}
            {pending && <span className="muted provider-pending">Activating…</span>}
          </div>
          <div className="provider-details" id={`provider-${id}-details`}>
            <span data-testid={`provider-model-${id}`}>{provider.model}</span>
            <span className="mono" data-testid={`provider-baseurl-${id}`}>{provider.baseUrl ?? "default endpoint"}</span>
            <span>
              key <span className="mono" data-testid={`provider-hint-${id}`}>{provider.apiKeyHint}</span>
            </span>
            <span className="version" data-testid={`provider-version-${id}`} title={`updated ${formatDateTime(provider.updatedAt, zone)}`}>
              v{provider.version}
            </span>
          </div>
          {activation.kind === "error" && (
            <p className="field-error" role="alert" data-testid={`provider-activate-error-${id}`}>
              Could not make it active: {activation.message}
            </p>
          )}
        </div>
        <div className="provider-actions">
          <button type="button" className="button button-small" disabled={Boolean(session)} onClick={() => edits.begin(provider)} data-testid={`provider-edit-button-${id}`}>
            Edit
          </button>
          <button type="button" className="button button-small button-danger" onClick={() => onDelete(provider)} data-testid={`provider-delete-${id}`}>
            Delete
          </button>
        </div>
      </div>
      {session && <ProviderEditForm id={id} live={provider} session={session} edits={edits} />}
    </div>
  );
}

/** Arrow keys move between the radios (Space or Enter activates, as it is a server change). */
function moveFocus(event: KeyboardEvent<HTMLButtonElement>) {
  const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
  const group = event.currentTarget.closest('[role="radiogroup"]');
  if (!group) return;
  const radios = [...group.querySelectorAll<HTMLButtonElement>('[role="radio"]')];
  const index = radios.indexOf(event.currentTarget);
  let next: HTMLButtonElement | undefined;
  if (step) next = radios[(index + step + radios.length) % radios.length];
  else if (event.key === "Home") next = radios[0];
  else if (event.key === "End") next = radios.at(-1);
  if (!next) return;
  event.preventDefault();
  next.focus();
}

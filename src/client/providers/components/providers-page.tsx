"use client";

import { useCallback, useState } from "react";
import { useEditSessions } from "../form";
import { useProviders, useProvidersLoadError } from "../live";
import { AddProviderForm } from "./add-provider-form";
import { DeleteProviderDialog, type DeleteRequest } from "./delete-provider-dialog";
import { ProviderEditForm } from "./provider-edit-form";
import { ProviderRow } from "./provider-row";

export function ProvidersPage() {
  const state = useProviders();
  const providersError = useProvidersLoadError();
  const edits = useEditSessions();
  const [deleting, setDeleting] = useState<DeleteRequest | null>(null);
  const closeDelete = useCallback(() => setDeleting(null), []);

  const providers = state?.providers ?? [];
  const byId = new Map(providers.map((provider) => [provider.id, provider]));
  const orphans = Object.entries(edits.sessions).filter(([id]) => !byId.has(id));

  return (
    <>
      <div className="page-header">
        <h1>AI providers</h1>
        <p className="muted">
          Exactly one provider is active at a time. API keys are stored encrypted and never shown again, only a hint of their last characters. Changes made in
          another tab or by an API client appear here as they happen.
        </p>
      </div>
      {providersError && !state && <div className="notice notice-error">Could not load your providers: {providersError}</div>}
      {!state && !providersError && (
        <div className="card skeleton" aria-busy="true">
          Loading providers…
        </div>
      )}
      {state && (
        <section className="card" aria-labelledby="providers-title">
          <h2 className="card-title" id="providers-title">Your providers</h2>
          {orphans.map(([id, session]) => (
            <ProviderEditForm key={id} id={id} live={undefined} session={session} edits={edits} />
          ))}
          {providers.length === 0 ? (
            <p className="providers-empty muted" data-testid="providers-empty">
              No AI provider yet. Add one below; your first provider becomes the active one.
            </p>
          ) : (
            <div role="radiogroup" aria-labelledby="providers-title" className="provider-list" data-testid="providers-list" data-seq={state.seq}>
              {providers.map((provider) => (
                <ProviderRow
                  key={provider.id}
                  provider={provider}
                  session={edits.sessions[provider.id]}
                  edits={edits}
                  onDelete={(seen) => setDeleting({ id: seen.id, seen })}
                />
              ))}
            </div>
          )}
        </section>
      )}
      {state && <AddProviderForm first={providers.length === 0} />}
      {deleting && <DeleteProviderDialog request={deleting} live={byId.get(deleting.id)} onClose={closeDelete} />}
    </>
  );
}

"use client";

import { useState } from "react";
import { TOKEN_NAME_MAX, tokenScopes, type TokenScope, type TokenView } from "@/domain/tokens/schema";
import { trpc } from "../../live/trpc";
import { formatDateTime } from "../../ui/format-time";
import { CreatedTokenNotice } from "./created-token-notice";

const EXPIRY_CHOICES = [
  { label: "Never", days: null },
  { label: "7 days", days: 7 },
  { label: "30 days", days: 30 },
  { label: "90 days", days: 90 },
  { label: "1 year", days: 365 },
] as const;

const SCOPE_LABELS: Record<TokenScope, string> = {
  read: "Read (queries and the live stream)",
  write: "Write (changes)",
  ingest: "Ingest prices (only for feed accounts)",
};

export function tokenStatus(token: TokenView, now = Date.now()): "active" | "revoked" | "expired" {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && token.expiresAt.getTime() <= now) return "expired";
  return "active";
}

export function ApiTokensSection() {
  const utils = trpc.useUtils();
  const tokens = trpc.account.tokens.list.useQuery();
  const create = trpc.account.tokens.create.useMutation({ onSettled: () => void utils.account.tokens.list.invalidate() });
  const revoke = trpc.account.tokens.revoke.useMutation({ onSettled: () => void utils.account.tokens.list.invalidate() });
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<TokenScope[]>(["read", "write"]);
  const [expiryDays, setExpiryDays] = useState<number | null>(90);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState<string | null>(null);
  const fieldErrors = (create.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors;

  const onCreate = async (event: React.FormEvent) => {
    event.preventDefault();
    const expiresAt = expiryDays === null ? null : new Date(Date.now() + expiryDays * 86_400_000);
    const created = await create.mutateAsync({ name, scopes, expiresAt }).catch(() => null);
    if (!created) return;
    setSecret({ name: created.token.name, value: created.secret });
    setName("");
  };

  const toggleScope = (scope: TokenScope) => setScopes((current) => (current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope]));

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 className="card-title" id="tokens-title">API tokens</h2>
      {secret && <CreatedTokenNotice name={secret.name} secret={secret.value} onDone={() => setSecret(null)} />}
      {tokens.error && <div className="notice notice-error">Could not load your tokens: {tokens.error.message}</div>}
      {tokens.data && tokens.data.length === 0 && <p className="muted" data-testid="tokens-empty">No API tokens yet.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <table className="history-table account-table" data-testid="tokens-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Token</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => {
              const status = tokenStatus(token);
              return (
                <tr key={token.id} data-testid="token-row" data-status={status}>
                  <td>{token.name}</td>
                  <td className="mono">{token.prefix}…</td>
                  <td>{token.scopes.join(", ")}</td>
                  <td>{formatDateTime(token.createdAt)}</td>
                  <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : <span className="muted">never</span>}</td>
                  <td>{token.expiresAt ? formatDateTime(token.expiresAt) : <span className="muted">never</span>}</td>
                  <td className="right">
                    {status !== "active" ? (
                      <span className="badge">{status}</span>
                    ) : confirmRevoke === token.id ? (
                      <>
                        <button className="button button-small button-danger-solid" autoFocus disabled={revoke.isPending} onClick={() => revoke.mutate({ id: token.id }, { onSettled: () => setConfirmRevoke(null) })}>
                          Revoke now
                        </button>{" "}
                        <button className="button button-small button-quiet" onClick={() => setConfirmRevoke(null)}>
                          Keep
                        </button>
                      </>
                    ) : (
                      <button className="button button-small button-danger" onClick={() => setConfirmRevoke(token.id)} aria-label={`Revoke ${token.name}`}>
                        Revoke…
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {revoke.error && <p className="field-error" role="alert">{revoke.error.message}</p>}

      <form className="token-form" onSubmit={(event) => void onCreate(event)} aria-labelledby="new-token-title">
        <h3 id="new-token-title">New token</h3>
        <div className="token-fields">
          <label className="field">
            <span>Name</span>
            <input className="input" value={name} maxLength={TOKEN_NAME_MAX} onChange={(event) => setName(event.target.value)} placeholder="e.g. rebalancing bot" required />
            {fieldErrors?.name && <span className="field-error">{fieldErrors.name.join(", ")}</span>}
          </label>
          <label className="field">
            <span>Expires</span>
            <select className="input select" value={expiryDays ?? "never"} onChange={(event) => setExpiryDays(event.target.value === "never" ? null : Number(event.target.value))}>
              {EXPIRY_CHOICES.map((choice) => (
                <option key={choice.label} value={choice.days ?? "never"}>
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="token-scopes">
            <legend>Scopes</legend>
            {tokenScopes.map((scope) => (
              <label key={scope} className="checkbox">
                <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggleScope(scope)} /> {SCOPE_LABELS[scope]}
              </label>
            ))}
            {fieldErrors?.scopes && <span className="field-error">{fieldErrors.scopes.join(", ")}</span>}
          </fieldset>
          {create.error && !fieldErrors && <p className="field-error" role="alert">{create.error.message}</p>}
        </div>
        <div className="form-footer">
          <button className="button button-primary" type="submit" disabled={create.isPending || name.trim() === "" || scopes.length === 0}>
            {create.isPending ? "Creating…" : "Create token"}
          </button>
        </div>
      </form>
    </section>
  );
}

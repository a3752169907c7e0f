"use client";

import { useState } from "react";
import type { SessionView } from "@/domain/account/schema";
import { trpc } from "../../live/trpc";
import { formatDateTime } from "../../ui/format-time";
import { announceSignOut } from "../actions";

/** "Chrome on Linux" from a user agent; the raw string stays in the title. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent) ? "Edge" : /Chrom(e|ium)\//.test(userAgent) ? "Chrome" : /Firefox\//.test(userAgent) ? "Firefox" : /Safari\//.test(userAgent) ? "Safari" : /node|undici|curl|python/i.test(userAgent) ? "Script" : "Browser";
  const system = /Windows/.test(userAgent) ? "Windows" : /Mac OS X|Macintosh/.test(userAgent) ? "macOS" : /Android/.test(userAgent) ? "Android" : /iPhone|iPad/.test(userAgent) ? "iOS" : /Linux/.test(userAgent) ? "Linux" : null;
  return system ? `${browser} on ${system}` : browser;
}

export function SessionsSection() {
  const utils = trpc.useUtils();
  const sessions = trpc.account.sessions.list.useQuery();
  const revoke = trpc.account.sessions.revoke.useMutation({ onSettled: () => void utils.account.sessions.list.invalidate() });
  const [confirmAll, setConfirmAll] = useState(false);

  const signOutEverywhere = async () => {
    await revoke.mutateAsync({ all: true });
    announceSignOut();
    window.location.assign("/sign-in");
  };

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 className="card-title" id="sessions-title">Signed-in sessions</h2>
      {sessions.error && <div className="notice notice-error">Could not load your sessions: {sessions.error.message}</div>}
      {!sessions.data && !sessions.error && <p className="muted">Loading…</p>}
      {sessions.data && (
        <table className="history-table account-table" data-testid="sessions-table">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col">Last active</th>
              <th scope="col">Signed in</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((session: SessionView) => (
              <tr key={session.id} data-testid="session-row">
                <td title={session.userAgent ?? undefined}>
                  {describeDevice(session.userAgent)} {session.current && <span className="badge badge-current">this session</span>}
                </td>
                <td className="mono">{session.ipAddress ?? "—"}</td>
                <td>{formatDateTime(session.lastSeenAt)}</td>
                <td>{formatDateTime(session.createdAt)}</td>
                <td className="right">
                  {!session.current && (
                    <button className="button button-small button-quiet" disabled={revoke.isPending} onClick={() => revoke.mutate({ id: session.id })}>
                      Sign out
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoke.error && <p className="field-error" role="alert">{revoke.error.message}</p>}
      <div className="form-footer">
        {confirmAll ? (
          <>
            <span>Sign out every session, this one included?</span>
            <button className="button button-danger-solid" onClick={() => void signOutEverywhere()} disabled={revoke.isPending} autoFocus>
              Sign out everywhere
            </button>
            <button className="button button-quiet" onClick={() => setConfirmAll(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button className="button button-danger" onClick={() => setConfirmAll(true)} data-testid="sign-out-everywhere">
            Sign out everywhere…
          </button>
        )}
      </div>
    </section>
  );
}

"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useCallback, useEffect, useState, type ComponentType, type ReactNode } from "react";
import { announceSignOut, AUTH_CHANNEL, signOut } from "../../account/actions";
import { UnseenFiringsBadge } from "../../alerts/components/unseen-badge";
import { errorCode, trpc } from "../../live/trpc";
import { ActiveProviderBadge } from "../../providers/components/active-provider-badge";
import { AppearanceSync } from "../../settings/components/appearance-sync";
import { AppLive } from "../live";
import { StreamStatus } from "./stream-status";
import { ShellToaster } from "./toaster";

/** The areas that exist; the nav lists nothing else. `Badge` renders beside the label (e.g. unseen firings). */
const AREAS: ReadonlyArray<{ href: string; label: string; Badge?: ComponentType }> = [
  { href: "/", label: "Dashboard" },
  { href: "/alerts", label: "Alerts", Badge: UnseenFiringsBadge },
  { href: "/settings", label: "Settings" },
  { href: "/profile", label: "Profile" },
  { href: "/providers", label: "Providers" },
  { href: "/jobs", label: "Jobs" },
  { href: "/account", label: "Account" },
];

/** Signed-in frame: top bar with navigation, account and live status. Signed-out visitors go to /sign-in. */
export function AppShell({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const utils = trpc.useUtils();
  const me = trpc.account.me.useQuery(undefined, { retry: false, staleTime: 60_000 });
  // The stream lost or refused: re-check the session (signed out → /sign-in below).
  const recheckSession = useCallback(() => void utils.account.me.invalidate(), [utils]);
  const signedOut = errorCode(me.error) === "UNAUTHORIZED";
  const [signingOut, setSigningOut] = useState(false);

  useEffect(() => {
    if (signedOut) router.replace("/sign-in");
  }, [signedOut, router]);

  useEffect(() => {
    if (typeof BroadcastChannel !== "function") return;
    const channel = new BroadcastChannel(AUTH_CHANNEL);
    channel.onmessage = () => window.location.assign("/sign-in");
    return () => channel.close();
  }, []);

  if (!me.data) {
    return (
      <div className="shell-loading" aria-busy={!me.error}>
        {me.error && !signedOut ? (
          <div className="notice notice-error">
            Could not load your account: {me.error.message}{" "}
            <button className="button" onClick={() => void me.refetch()}>Retry</button>
          </div>
        ) : (
          <span className="muted">Loading…</span>
        )}
      </div>
    );
  }

  const onSignOut = async () => {
    setSigningOut(true);
    await signOut();
    announceSignOut();
    window.location.assign("/sign-in");
  };

  return (
    <AppLive userId={me.data.id} recheckSession={recheckSession}>
      <AppearanceSync />
      <ShellToaster />
      <div className="shell">
        <header className="topbar">
          <Link href="/" className="brand">
            <span className="brand-mark" aria-hidden>VO</span>
            Virtual Office
          </Link>
          <nav className="nav" aria-label="Main">
            {AREAS.map((area) => (
              <Link
                key={area.href}
                href={area.href}
                className="nav-link"
                aria-current={(area.href === "/" ? pathname === "/" : pathname?.startsWith(area.href)) ? "page" : undefined}
                data-testid={`nav-${area.label.toLowerCase()}`}
              >
                {area.label}
                {area.Badge && <area.Badge />}
              </Link>
            ))}
          </nav>
          <div className="account">
            <ActiveProviderBadge />
            <StreamStatus />
            <span className="account-email" data-testid="account-email">{me.data.email}</span>
            <button className="button button-quiet" data-testid="sign-out" onClick={onSignOut} disabled={signingOut}>
              {signingOut ? "Signing out…" : "Sign out"}
            </button>
          </div>
        </header>
        <main className="content">{children}</main>
      </div>
    </AppLive>
  );
}

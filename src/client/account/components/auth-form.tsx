"use client";

import Link from "next/link";
import { useEffect, useState, type FormEvent } from "react";
import { trpc } from "../../live/trpc";
import { signIn, signUp } from "../actions";

type Mode = "sign-in" | "sign-up";

const TEXT = {
  "sign-in": { title: "Sign in", submit: "Sign in", busy: "Signing in…", other: "/sign-up", otherText: "New here? Create an account" },
  "sign-up": { title: "Create your account", submit: "Create account", busy: "Creating account…", other: "/sign-in", otherText: "Already have an account? Sign in" },
} as const;

export function AuthForm({ mode }: { mode: Mode }) {
  const text = TEXT[mode];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Already signed in (e.g. another tab): straight to the app.
  const me = trpc.account.me.useQuery(undefined, { retry: false });
  const signedIn = me.data !== undefined;
  useEffect(() => {
    if (signedIn) window.location.replace("/settings");
  }, [signedIn]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const name = String(form.get("name") ?? "").trim();
    setBusy(true);
    setError(null);
    const result = mode === "sign-up" ? await signUp({ name: name || email, email, password }) : await signIn({ email, password });
    if (result.ok) {
      window.location.assign("/settings");
      return;
    }
    setError(result.message ?? "That did not work");
    setBusy(false);
  }

  return (
    <div className="auth-page">
      <form className="auth-card" onSubmit={onSubmit} noValidate={false}>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden>VO</span>
          Virtual Office
        </div>
        <h1>{text.title}</h1>
        {mode === "sign-up" && (
          <label className="field">
            <span>Name</span>
            <input name="name" autoComplete="name" data-testid="auth-name" />
          </label>
        )}
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" required autoComplete="email" data-testid="auth-email" />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            required
            minLength={8}
            autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
            data-testid="auth-password"
          />
          {mode === "sign-up" && <small className="muted">At least 8 characters.</small>}
        </label>
        {error && (
          <div className="notice notice-error" role="alert" data-testid="auth-error">
            {error}
          </div>
        )}
        <button className="button button-primary button-block" type="submit" disabled={busy} data-testid="auth-submit">
          {busy ? text.busy : text.submit}
        </button>
        <Link className="auth-switch" href={text.other}>
          {text.otherText}
        </Link>
      </form>
    </div>
  );
}

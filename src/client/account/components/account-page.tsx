"use client";

import { ApiTokensSection } from "./api-tokens-section";
import { SessionsSection } from "./sessions-section";

export function AccountPage() {
  return (
    <>
      <div className="page-header">
        <h1>Account</h1>
        <p className="muted">
          Where you are signed in, and the API tokens your scripts and bots use. A token is shown once, when you create it; revoking it takes effect on the
          next request, on every server.
        </p>
      </div>
      <SessionsSection />
      <ApiTokensSection />
    </>
  );
}

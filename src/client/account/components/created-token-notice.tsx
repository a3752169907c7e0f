"use client";

import { useState } from "react";

/** The one time a token's secret is on screen: copy it now; "Done" forgets it. */
export function CreatedTokenNotice({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <div className="notice token-secret" role="status" data-testid="token-secret">
      <p>
        <strong>{name}</strong>: copy this token now. It will not be shown again.
      </p>
      <div className="input-row">
        <input className="input input-wide mono" readOnly value={secret} aria-label="New API token" onFocus={(event) => event.target.select()} />
        <button className="button" type="button" onClick={() => void copy()}>
          {copied === "yes" ? "Copied" : "Copy"}
        </button>
        <button className="button button-quiet" type="button" onClick={onDone}>
          Done
        </button>
      </div>
      {copied === "failed" && <p className="field-error">The browser refused the clipboard; select the token and copy it by hand.</p>}
      <p className="muted">
        Use it as <code>Authorization: Bearer …</code> from a script.
      </p>
    </div>
  );
}

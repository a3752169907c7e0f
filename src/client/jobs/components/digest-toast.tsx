"use client";

import type { Digest } from "@/domain/digests/schema";
import { digestLines } from "../meta";

export function DigestToast({ digest }: { digest: Digest }) {
  return (
    <div data-testid="digest-toast" data-run-id={digest.runId}>
      <strong>Your digest</strong>: {digest.changes} change{digest.changes === 1 ? "" : "s"}
      <ul className="digest-lines">
        {digestLines(digest).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

"use client";

import { useEffect, useRef } from "react";
import { Compare } from "../../ui/conflict-panel";
import { useConflicts, useSettingsActions, type Conflict } from "../actions";
import { useSetting } from "../live";
import { formatValue, settingMeta } from "../meta";

/**
 * A save lost its version check: someone else changed the setting first. The
 * trader sees the newer value (live: it follows further changes) and chooses.
 */
export function ConflictDialog() {
  const conflicts = useConflicts();
  const conflict = conflicts[0];
  if (!conflict) return null;
  return <ConflictPrompt key={conflict.key} conflict={conflict} remaining={conflicts.length - 1} />;
}

function ConflictPrompt({ conflict, remaining }: { conflict: Conflict; remaining: number }) {
  const actions = useSettingsActions();
  const stored = useSetting(conflict.key);
  const theirs = stored ?? conflict.theirs;
  const keepRef = useRef<HTMLButtonElement>(null);
  useEffect(() => keepRef.current?.focus(), []);
  const label = settingMeta[conflict.key].label;
  const mine =
    conflict.mine.kind === "revert"
      ? `${formatValue(conflict.key, conflict.mine.value)} (from v${conflict.mine.toVersion})`
      : conflict.mine.kind === "reset"
        ? `${formatValue(conflict.key, conflict.mine.value)} (default)`
        : formatValue(conflict.key, conflict.mine.value);

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="conflict-title"
        data-testid="conflict-dialog"
        data-key={conflict.key}
        onKeyDown={(event) => event.key === "Escape" && actions.keepTheirs(conflict.key)}
      >
        <h2 id="conflict-title">“{label}” was changed elsewhere</h2>
        <p className="muted">
          Another tab or API client saved a newer version while you were editing. Nothing was overwritten. Choose which value to keep.
        </p>
        <Compare
          theirs={theirs ? formatValue(conflict.key, theirs.value) : "?"}
          mine={mine}
          theirsTestId="conflict-theirs"
          mineTestId="conflict-mine"
          theirsFooter={<div className="version" data-testid="conflict-theirs-version">v{theirs?.version ?? "?"}</div>}
        />
        <div className="dialog-actions">
          {remaining > 0 && <span className="muted">{remaining} more after this</span>}
          <button ref={keepRef} className="button" onClick={() => actions.keepTheirs(conflict.key)} data-testid="conflict-keep-theirs">
            Keep theirs
          </button>
          <button
            className="button button-primary"
            onClick={() => actions.applyMine(conflict.key, theirs?.version ?? 0)}
            data-testid="conflict-apply-mine"
          >
            Apply mine
          </button>
        </div>
      </div>
    </div>
  );
}

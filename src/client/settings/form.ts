"use client";

import { useEffect, useState } from "react";
import type { SettingKey, SettingView } from "@/domain/settings/schema";
import { useSaveState, useSettingsActions } from "./actions";

interface Draft {
  text: string;
  /** The version shown when editing began: the save's expectedVersion. */
  base: number;
  submitted: boolean;
}

/**
 * A text field's edit of one setting. The draft remembers the version it
 * started from; a change that arrives from elsewhere meanwhile does not
 * overwrite what the trader is typing, and saving then reports the conflict.
 */
export function useDraft(key: SettingKey, view: SettingView, toText: (value: unknown) => string) {
  const actions = useSettingsActions();
  const { state, pending } = useSaveState(key);
  const [draft, setDraft] = useState<Draft | null>(null);

  useEffect(() => {
    if (!draft?.submitted) return;
    if (state.phase === "error") setDraft({ ...draft, submitted: false });
    else if (state.phase !== "saving") setDraft(null);
  }, [state.phase, draft]);

  const stored = toText(pending ? pending.value : view.value);
  return {
    text: draft ? draft.text : stored,
    dirty: draft !== null && !draft.submitted && draft.text !== stored,
    /** The stored value moved on since this edit began. */
    changedElsewhere: draft !== null && !draft.submitted && view.version > draft.base,
    edit(text: string) {
      setDraft((current) => ({ text, base: current && !current.submitted ? current.base : view.version, submitted: false }));
    },
    cancel() {
      setDraft(null);
    },
    submit(value: unknown) {
      const base = draft?.base ?? view.version;
      setDraft({ text: draft?.text ?? stored, base, submitted: true });
      actions.save(key, { kind: "set", value }, base);
    },
  };
}

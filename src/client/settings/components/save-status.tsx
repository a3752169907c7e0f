"use client";

import type { SettingKey } from "@/domain/settings/schema";
import { useSaveState } from "../actions";

/** The save state of one key: saving / saved / error / conflict. */
export function SaveStatus({ settingKey }: { settingKey: SettingKey }) {
  const { state } = useSaveState(settingKey);
  let text = "";
  if (state.phase === "saving") text = "Saving…";
  else if (state.phase === "saved") text = `Saved (v${state.version})`;
  else if (state.phase === "error") text = state.message;
  else if (state.phase === "conflict") text = "Changed elsewhere: choose a value";
  else if (state.phase === "kept-theirs") text = "Kept the newer value";
  return (
    <span
      className={`save-state save-${state.phase}`}
      data-testid={`save-state-${settingKey}`}
      data-state={state.phase}
      role={state.phase === "error" ? "alert" : undefined}
      aria-live="polite"
    >
      {text}
    </span>
  );
}

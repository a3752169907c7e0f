"use client";

import type { ProfileView } from "@/domain/profile/schema";
import { ConflictPanel } from "../../ui/conflict-panel";
import type { EditorSnapshot, ProfileEditor } from "../actions";
import { fieldValue } from "../form";
import { formatValue, profileMeta } from "../meta";

/** A save was refused: these fields changed elsewhere since the trader started editing them. */
export function ProfileConflict({ editor, state, stored }: { editor: ProfileEditor; state: EditorSnapshot; stored: ProfileView }) {
  const saving = state.save.phase === "saving";
  return (
    <ConflictPanel
      testId="profile-conflict"
      testIdPrefix="profile-conflict"
      title="Changed elsewhere — choose which value to keep"
      description="Another tab or device saved these fields while you were editing. Nothing was saved. Your other changes are kept and go with your next save."
      fields={state.conflicts.map((field) => {
        const draft = state.drafts[field];
        return {
          field,
          label: profileMeta[field].label,
          testId: `profile-conflict-${field}`,
          theirs: formatValue(field, stored[field]),
          mine: formatValue(field, draft ? fieldValue(field, draft.text) : null),
          choices: {
            keepTheirs: { label: "Keep theirs", testId: `profile-keep-theirs-${field}`, onChoose: () => editor.keepTheirs(field) },
            applyMine: { label: "Apply mine", testId: `profile-apply-mine-${field}`, disabled: saving, onChoose: () => editor.applyMine(field) },
          },
        };
      })}
    />
  );
}

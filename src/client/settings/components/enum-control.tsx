"use client";

import type { SettingKey, SettingView } from "@/domain/settings/schema";
import { useSaveState, useSettingsActions } from "../actions";
import { settingMeta } from "../meta";

/** A segmented radio group; choosing an option saves it. */
export function EnumControl({ settingKey, view }: { settingKey: SettingKey; view: SettingView }) {
  const actions = useSettingsActions();
  const { pending } = useSaveState(settingKey);
  const shown = pending ? pending.value : view.value;
  const options = settingMeta[settingKey].options ?? [];
  return (
    <div className="segmented" role="radiogroup" aria-label={settingMeta[settingKey].label}>
      {options.map((option) => (
        <label
          key={option.value}
          className="segment"
          data-testid={`setting-${settingKey}-option-${option.value}`}
          data-checked={shown === option.value || undefined}
        >
          <input
            type="radio"
            name={`setting-${settingKey}`}
            value={option.value}
            checked={shown === option.value}
            onChange={() => actions.save(settingKey, { kind: "set", value: option.value }, view.version)}
          />
          <span>{option.label}</span>
        </label>
      ))}
    </div>
  );
}

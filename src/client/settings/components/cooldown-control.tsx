"use client";

import { settingSchemas, type SettingView } from "@/domain/settings/schema";
import { useDraft } from "../form";
import { formatSeconds } from "../meta";

/** Whole seconds, 0–86400, validated before it is sent. */
export function CooldownControl({ view }: { view: SettingView }) {
  const draft = useDraft("alertCooldownSeconds", view, (value) => String(value ?? ""));
  const text = draft.text.trim();
  const check = settingSchemas.alertCooldownSeconds.safeParse(text === "" ? Number.NaN : Number(text));
  const invalid = draft.dirty && !check.success ? (text === "" ? "enter a number of seconds" : check.error.issues[0]?.message ?? "invalid") : null;

  const submit = () => {
    if (!draft.dirty) return draft.cancel();
    if (check.success) draft.submit(check.data);
  };

  return (
    <form className="text-control" onSubmit={(event) => { event.preventDefault(); submit(); }}>
      <div className="input-row">
        <input
          className={`input input-number${invalid ? " input-invalid" : ""}`}
          type="number"
          min={0}
          max={86_400}
          step={1}
          inputMode="numeric"
          value={draft.text}
          onChange={(event) => draft.edit(event.target.value)}
          onKeyDown={(event) => event.key === "Escape" && draft.cancel()}
          aria-label="Alert cooldown in seconds"
          aria-invalid={invalid ? true : undefined}
          data-testid="setting-alertCooldownSeconds-input"
        />
        <span className="unit">seconds</span>
        <button className="button button-primary" type="submit" disabled={!draft.dirty || !!invalid} data-testid="setting-alertCooldownSeconds-save">
          Save
        </button>
        {draft.dirty && <button className="button button-quiet" type="button" onClick={draft.cancel}>Cancel</button>}
      </div>
      {invalid && <p className="field-error" data-testid="setting-alertCooldownSeconds-error">{invalid}</p>}
      {!invalid && check.success && <p className="hint">{formatSeconds(check.data)}</p>}
      {draft.changedElsewhere && (
        <p className="hint hint-warn">Changed elsewhere to {String(view.value)} s (v{view.version}) while you were editing.</p>
      )}
    </form>
  );
}

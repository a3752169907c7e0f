"use client";

import { useEffect, useState } from "react";
import { settingSchemas, type SettingView } from "@/domain/settings/schema";
import { formatClock } from "../../ui/format-time";
import { useDraft } from "../form";
import { formatValue } from "../meta";

function supportedZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
}

/** An IANA zone, typed with suggestions, validated before it is sent. */
export function TimeZoneControl({ view }: { view: SettingView }) {
  const draft = useDraft("displayTimeZone", view, (value) => String(value ?? ""));
  const [zones, setZones] = useState<string[]>([]);
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    setZones(supportedZones());
    setNow(new Date());
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);

  const text = draft.text.trim();
  const check = settingSchemas.displayTimeZone.safeParse(text);
  const invalid = draft.dirty && !check.success ? check.error.issues[0]?.message ?? "invalid" : null;
  const clock = now && check.success ? formatClock(now, text) : null;

  const submit = () => {
    if (!draft.dirty) return draft.cancel();
    if (check.success) draft.submit(check.data);
  };

  return (
    <form className="text-control" onSubmit={(event) => { event.preventDefault(); submit(); }}>
      <div className="input-row">
        <input
          className={`input${invalid ? " input-invalid" : ""}`}
          list="vo-time-zones"
          value={draft.text}
          onChange={(event) => draft.edit(event.target.value)}
          onKeyDown={(event) => event.key === "Escape" && draft.cancel()}
          aria-label="Display time zone"
          aria-invalid={invalid ? true : undefined}
          spellCheck={false}
          autoComplete="off"
          data-testid="setting-displayTimeZone-input"
        />
        <datalist id="vo-time-zones">
          {zones.map((zone) => <option key={zone} value={zone} />)}
        </datalist>
        <button className="button button-primary" type="submit" disabled={!draft.dirty || !!invalid} data-testid="setting-displayTimeZone-save">
          Save
        </button>
        {draft.dirty && <button className="button button-quiet" type="button" onClick={draft.cancel}>Cancel</button>}
      </div>
      {invalid && <p className="field-error" data-testid="setting-displayTimeZone-error">{invalid}</p>}
      {!invalid && clock && <p className="hint">Now {clock}</p>}
      {draft.changedElsewhere && (
        <p className="hint hint-warn">Changed elsewhere to {formatValue("displayTimeZone", view.value)} (v{view.version}) while you were editing.</p>
      )}
    </form>
  );
}

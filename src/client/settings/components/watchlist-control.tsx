"use client";

import { useState } from "react";
import { tickerSchema, WATCHLIST_MAX, type SettingView } from "@/domain/settings/schema";
import { useSaveState, useSettingsActions } from "../actions";

/** Ticker chips: adding or removing one saves the list. */
export function WatchlistControl({ view }: { view: SettingView }) {
  const actions = useSettingsActions();
  const { pending } = useSaveState("watchlist");
  const list = ((pending ? pending.value : view.value) as string[] | undefined) ?? [];
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);

  const save = (next: string[]) => actions.save("watchlist", { kind: "set", value: next }, view.version);

  const add = () => {
    const parsed = tickerSchema.safeParse(text);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "invalid ticker");
    if (list.includes(parsed.data)) return setError(`${parsed.data} is already on the list`);
    if (list.length >= WATCHLIST_MAX) return setError(`at most ${WATCHLIST_MAX} tickers`);
    setError(null);
    setText("");
    save([...list, parsed.data]);
  };

  return (
    <div className="watchlist">
      <ul className="chips" aria-label="Watchlist" data-testid="watchlist-chips">
        {list.length === 0 && <li className="muted chips-empty">No tickers yet</li>}
        {list.map((ticker) => (
          <li key={ticker} className="chip" data-testid={`watchlist-chip-${ticker}`}>
            <span>{ticker}</span>
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove ${ticker}`}
              onClick={() => save(list.filter((t) => t !== ticker))}
              data-testid={`watchlist-remove-${ticker}`}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="input-row" onSubmit={(event) => { event.preventDefault(); add(); }}>
        <input
          className={`input input-ticker${error ? " input-invalid" : ""}`}
          value={text}
          onChange={(event) => { setText(event.target.value.toUpperCase()); setError(null); }}
          placeholder="Ticker, e.g. AAPL"
          aria-label="Ticker to add"
          maxLength={12}
          spellCheck={false}
          autoComplete="off"
          data-testid="setting-watchlist-input"
        />
        <button className="button" type="submit" disabled={!text.trim()} data-testid="setting-watchlist-add">Add</button>
        <span className="muted count">{list.length}/{WATCHLIST_MAX}</span>
      </form>
      {error && <p className="field-error" data-testid="setting-watchlist-error">{error}</p>}
    </div>
  );
}

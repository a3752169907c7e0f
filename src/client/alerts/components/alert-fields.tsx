"use client";

import type { ReactNode } from "react";
import { alertConditions, alertModes, COOLDOWN_MAX_SECONDS, NOTE_MAX } from "@/domain/alerts/schema";
import type { FieldErrors } from "../../ui/field-errors";
import { formatPrice, formatSeconds, formatSignedPercent } from "../../ui/format-number";
import { distanceTo } from "../store";
import { CONDITION_HINTS, CONDITION_LABELS, MODE_HINTS, MODE_LABELS } from "../meta";
import { parseNumber, type AlertDraft, type DraftField } from "../form";

interface FieldsProps {
  /** Test ids are `<prefix>-field-<name>` and `<prefix>-error-<name>`; element ids derive from it. */
  prefix: string;
  draft: AlertDraft;
  errors: FieldErrors;
  disabled: boolean;
  onChange<F extends DraftField>(field: F, value: AlertDraft[F]): void;
  /** The ticker is chosen when creating only (an alert keeps its ticker). */
  tickerChoices?: readonly string[];
  lastPrice: number | undefined;
  defaultCooldown: number | undefined;
  zone: string | undefined;
}

/** The alert's fields, each with its error beside it; native controls, so the keyboard works as everywhere. */
export function AlertFields(props: FieldsProps) {
  const { prefix, draft, errors, disabled, onChange, tickerChoices, lastPrice, defaultCooldown, zone } = props;
  const id = (name: string) => `${prefix}-${name}`;
  const threshold = parseNumber(draft.threshold);
  const distance = Number.isFinite(threshold) ? distanceTo({ condition: draft.condition, threshold }, lastPrice) : null;
  const cooldown = parseNumber(draft.cooldownSeconds);

  return (
    <div className="alert-fields">
      {tickerChoices && (
        <Field prefix={prefix} name="ticker" label="Ticker" error={errors.ticker} hint={tickerChoices.length ? "From your watchlist, or any ticker" : "Add tickers to your watchlist in Settings"}>
          <input
            id={id("ticker")}
            className="input input-ticker"
            list={id("tickers")}
            value={draft.ticker}
            disabled={disabled}
            onChange={(event) => onChange("ticker", event.target.value.toUpperCase())}
            placeholder="AAPL"
            maxLength={12}
            spellCheck={false}
            autoComplete="off"
            {...invalid(prefix, "ticker", errors)}
            data-testid={`${prefix}-field-ticker`}
          />
          <datalist id={id("tickers")}>
            {tickerChoices.map((ticker) => (
              <option key={ticker} value={ticker} />
            ))}
          </datalist>
        </Field>
      )}
      <Field prefix={prefix} name="condition" label="Condition" error={errors.condition} hint={CONDITION_HINTS[draft.condition]}>
        <select
          id={id("condition")}
          className="input"
          value={draft.condition}
          disabled={disabled}
          onChange={(event) => onChange("condition", event.target.value as AlertDraft["condition"])}
          {...invalid(prefix, "condition", errors)}
          data-testid={`${prefix}-field-condition`}
        >
          {alertConditions.map((condition) => (
            <option key={condition} value={condition}>
              {CONDITION_LABELS[condition]}
            </option>
          ))}
        </select>
      </Field>
      <Field
        prefix={prefix}
        name="threshold"
        label="Threshold"
        error={errors.threshold}
        hint={
          lastPrice === undefined
            ? "No price yet for this ticker"
            : distance
              ? `Last ${formatPrice(lastPrice)} · ${formatSignedPercent(distance.percent)} away${distance.atOrPast ? " (already past it)" : ""}`
              : `Last ${formatPrice(lastPrice)}`
        }
      >
        <input
          id={id("threshold")}
          className="input input-number"
          inputMode="decimal"
          value={draft.threshold}
          disabled={disabled}
          onChange={(event) => onChange("threshold", event.target.value)}
          placeholder={lastPrice !== undefined ? formatPrice(lastPrice) : "190.00"}
          autoComplete="off"
          {...invalid(prefix, "threshold", errors)}
          data-testid={`${prefix}-field-threshold`}
        />
      </Field>
      <Field prefix={prefix} name="mode" label="Mode" error={errors.mode} hint={MODE_HINTS[draft.mode]} group>
        <div className="segmented" role="radiogroup" aria-labelledby={id("mode-label")} data-testid={`${prefix}-field-mode`}>
          {alertModes.map((mode) => (
            <label key={mode} className="segment">
              <input
                type="radio"
                name={id("mode")}
                value={mode}
                checked={draft.mode === mode}
                disabled={disabled}
                onChange={() => onChange("mode", mode)}
                data-testid={`${prefix}-mode-${mode}`}
              />
              <span>{MODE_LABELS[mode]}</span>
            </label>
          ))}
        </div>
      </Field>
      <Field
        prefix={prefix}
        name="cooldownSeconds"
        label="Cooldown (s)"
        error={errors.cooldownSeconds}
        hint={
          draft.cooldownSeconds.trim() === ""
            ? `Your default${defaultCooldown !== undefined ? `: ${formatSeconds(defaultCooldown)}` : ""}`
            : Number.isFinite(cooldown)
              ? `${formatSeconds(cooldown)} between firings${defaultCooldown === cooldown ? " (your default)" : ""}`
              : `0–${COOLDOWN_MAX_SECONDS} seconds`
        }
      >
        <input
          id={id("cooldownSeconds")}
          className="input input-number"
          inputMode="numeric"
          value={draft.cooldownSeconds}
          disabled={disabled}
          onChange={(event) => onChange("cooldownSeconds", event.target.value)}
          placeholder={defaultCooldown !== undefined ? String(defaultCooldown) : "300"}
          autoComplete="off"
          {...invalid(prefix, "cooldownSeconds", errors)}
          data-testid={`${prefix}-field-cooldownSeconds`}
        />
      </Field>
      <Field prefix={prefix} name="expiresAt" label="Expires" error={errors.expiresAt} hint={draft.expiresAt ? `In ${zone ?? "your time zone"}` : "Never (optional)"}>
        <input
          id={id("expiresAt")}
          className="input"
          type="datetime-local"
          value={draft.expiresAt}
          disabled={disabled}
          onChange={(event) => onChange("expiresAt", event.target.value)}
          {...invalid(prefix, "expiresAt", errors)}
          data-testid={`${prefix}-field-expiresAt`}
        />
      </Field>
      <Field prefix={prefix} name="note" label="Note" error={errors.note} hint="Optional; shown in the notification" wide>
        <input
          id={id("note")}
          className="input"
          value={draft.note}
          disabled={disabled}
          maxLength={NOTE_MAX + 50}
          onChange={(event) => onChange("note", event.target.value)}
          placeholder="e.g. take profit on half"
          autoComplete="off"
          {...invalid(prefix, "note", errors)}
          data-testid={`${prefix}-field-note`}
        />
      </Field>
    </div>
  );
}

function invalid(prefix: string, name: string, errors: FieldErrors) {
  return errors[name] ? { "aria-invalid": true as const, "aria-describedby": `${prefix}-${name}-error` } : { "aria-describedby": `${prefix}-${name}-hint` };
}

function Field(props: { prefix: string; name: string; label: string; error: string | undefined; hint?: string; wide?: boolean; group?: boolean; children: ReactNode }) {
  const { prefix, name, label, error, hint, wide, group, children } = props;
  return (
    <div className={`alert-field${wide ? " alert-field-wide" : ""}`}>
      {group ? (
        <span className="alert-field-label" id={`${prefix}-${name}-label`}>{label}</span>
      ) : (
        <label className="alert-field-label" htmlFor={`${prefix}-${name}`}>{label}</label>
      )}
      {children}
      {error ? (
        <small className="field-error" id={`${prefix}-${name}-error`} data-testid={`${prefix}-error-${name}`} role="alert">
          {error}
        </small>
      ) : (
        hint && <small className="hint" id={`${prefix}-${name}-hint`}>{hint}</small>
      )}
    </div>
  );
}

"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { createAlertInput } from "@/domain/alerts/schema";
import { errorMessage } from "../../live/trpc";
import { useLatestPrices, usePrice } from "../../prices/live";
import { useSetting } from "../../settings/live";
import { schemaFieldErrors, serverFieldErrors, type FieldErrors } from "../../ui/field-errors";
import { useAlertActions } from "../actions";
import { createInputOf, newDraft, withoutFieldError, type AlertDraft, type DraftField } from "../form";
import { describeCondition } from "../meta";
import { AlertFields } from "./alert-fields";

type Status =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "created"; text: string }
  | { kind: "error"; message: string | null; fieldErrors: FieldErrors };

/** Creates an alert: the ticker from the watchlist (or typed), the cooldown prefilled from the alertCooldownSeconds setting. */
export function AlertForm() {
  const actions = useAlertActions();
  const watchlist = (useSetting("watchlist")?.value as string[] | undefined) ?? [];
  const defaultCooldown = useSetting("alertCooldownSeconds")?.value as number | undefined;
  const zone = useSetting("displayTimeZone")?.value as string | undefined;
  const [draft, setDraft] = useState<AlertDraft>(() => newDraft(watchlist[0] ?? "", defaultCooldown));
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const saving = status.kind === "saving";
  const errors = status.kind === "error" ? status.fieldErrors : {};
  const ticker = draft.ticker.trim().toUpperCase();
  const validTicker = /^[A-Z0-9][A-Z0-9.\-]{0,11}$/.test(ticker);
  useLatestPrices(validTicker ? [ticker] : []);
  const last = usePrice(validTicker ? ticker : undefined);

  // Until the trader types them, the ticker and cooldown follow the settings (they load after the form mounts).
  const followed = useRef({ ticker: draft.ticker, cooldown: draft.cooldownSeconds });
  const firstWatched = watchlist[0];
  useEffect(() => {
    setDraft((current) => {
      const next = { ...current };
      if (current.ticker === followed.current.ticker && firstWatched && current.ticker !== firstWatched) next.ticker = firstWatched;
      if (current.cooldownSeconds === followed.current.cooldown && defaultCooldown !== undefined) next.cooldownSeconds = String(defaultCooldown);
      followed.current = { ticker: next.ticker, cooldown: next.cooldownSeconds };
      return next.ticker === current.ticker && next.cooldownSeconds === current.cooldownSeconds ? current : next;
    });
  }, [firstWatched, defaultCooldown]);

  const change = <F extends DraftField>(field: F, value: AlertDraft[F]) => {
    setDraft((current) => ({ ...current, [field]: value }));
    if (status.kind === "error") setStatus(withoutFieldError(status, field));
    else if (status.kind === "created") setStatus({ kind: "idle" });
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    const input = createInputOf(draft, zone);
    const invalid = schemaFieldErrors(createAlertInput, input);
    if (invalid) return setStatus({ kind: "error", message: invalid["(input)"] ?? null, fieldErrors: invalid });
    setStatus({ kind: "saving" });
    try {
      const created = await actions.create(input);
      setStatus({ kind: "created", text: `${created.ticker} ${describeCondition(created.condition, created.threshold)}` });
      setDraft((current) => ({ ...current, threshold: "", note: "", expiresAt: "" }));
    } catch (error) {
      const fields = serverFieldErrors(error);
      setStatus({ kind: "error", message: fields ? (fields["(input)"] ?? null) : errorMessage(error), fieldErrors: fields ?? {} });
    }
  };

  return (
    <section className="card" aria-labelledby="alert-new-title">
      <h2 className="card-title" id="alert-new-title">New alert</h2>
      <form className="alert-form" onSubmit={onSubmit} noValidate data-testid="alert-new-form">
        <AlertFields
          prefix="alert-new"
          draft={draft}
          errors={errors}
          disabled={saving}
          onChange={change}
          tickerChoices={watchlist}
          lastPrice={last?.price}
          defaultCooldown={defaultCooldown}
          zone={zone}
        />
        <div className="alert-form-footer">
          <span
            className={`save-state save-${status.kind === "created" ? "saved" : status.kind}`}
            role={status.kind === "error" ? "alert" : undefined}
            aria-live="polite"
            data-testid="alert-new-status"
            data-state={status.kind}
          >
            {status.kind === "saving" ? "Creating…" : status.kind === "created" ? `Created: ${status.text}` : status.kind === "error" ? (status.message ?? "Check the fields above") : ""}
          </span>
          <button type="submit" className="button button-primary" disabled={saving} data-testid="alert-new-submit">
            {saving ? "Creating…" : "Create alert"}
          </button>
        </div>
      </form>
    </section>
  );
}

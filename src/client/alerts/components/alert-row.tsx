"use client";

import Link from "next/link";
import { memo, useState } from "react";
import type { AlertView } from "@/domain/alerts/schema";
import { errorMessage } from "../../live/trpc";
import { LivePrice } from "../../prices/components/live-price";
import { formatPrice, formatSeconds } from "../../ui/format-number";
import { formatRelative, useNow } from "../../ui/relative-time";
import { formatFullDateTime, formatShortDateTime } from "../../ui/zoned-time";
import { useAlertActions } from "../actions";
import type { EditSessions } from "../form";
import { CONDITION_LABELS, MODE_LABELS } from "../meta";
import { Distance, StateBadge } from "./alert-bits";

type Pending = { kind: "idle" } | { kind: "busy"; action: string } | { kind: "error"; message: string };

/** Rearm, disable, enable: what the alert's state allows. */
export function AlertStateActions({ alert, size = "small" }: { alert: AlertView; size?: "small" | "normal" }) {
  const actions = useAlertActions();
  const [pending, setPending] = useState<Pending>({ kind: "idle" });
  const run = async (action: "rearm" | "disable" | "enable") => {
    setPending({ kind: "busy", action });
    try {
      await actions[action](alert.id);
      setPending({ kind: "idle" });
    } catch (error) {
      setPending({ kind: "error", message: errorMessage(error) });
    }
  };
  const busy = pending.kind === "busy";
  const className = `button${size === "small" ? " button-small" : ""}`;
  return (
    <>
      {(alert.state === "triggered" || alert.state === "expired") && (
        <button type="button" className={className} disabled={busy} onClick={() => void run("rearm")} data-testid={`alert-rearm-${alert.id}`}>
          {busy && pending.action === "rearm" ? "Rearming…" : "Rearm"}
        </button>
      )}
      {alert.state === "disabled" ? (
        <button type="button" className={className} disabled={busy} onClick={() => void run("enable")} data-testid={`alert-enable-${alert.id}`}>
          {busy && pending.action === "enable" ? "Enabling…" : "Enable"}
        </button>
      ) : (
        <button type="button" className={className} disabled={busy} onClick={() => void run("disable")} data-testid={`alert-disable-${alert.id}`}>
          {busy && pending.action === "disable" ? "Disabling…" : "Disable"}
        </button>
      )}
      {pending.kind === "error" && (
        <span className="field-error alert-action-error" role="alert" data-testid={`alert-action-error-${alert.id}`}>
          {pending.message}
        </span>
      )}
    </>
  );
}

/**
 * One alert in the list: live price and distance, state, mode, cooldown and
 * expiry, and its actions. Memoized: a firing or a tick re-renders only the
 * row (or the price cell) it concerns.
 */
export const AlertRow = memo(function AlertRow(props: { alert: AlertView; editing: boolean; edits: EditSessions; onDelete(alert: AlertView): void; zone: string | undefined }) {
  const { alert, editing, edits, onDelete, zone } = props;
  const id = alert.id;
  return (
    <tr className={`alert-row alert-row-${alert.state}`} data-testid={`alert-row-${id}`} data-state={alert.state} data-version={alert.version} data-ticker={alert.ticker}>
      <td>
        <Link href={`/alerts/${id}`} className="ticker-link mono" data-testid={`alert-link-${id}`}>
          {alert.ticker}
        </Link>
        {alert.note && <div className="alert-note muted" title={alert.note}>{alert.note}</div>}
      </td>
      <td data-testid={`alert-condition-${id}`}>
        <span className="muted">{CONDITION_LABELS[alert.condition]}</span> <span className="num">{formatPrice(alert.threshold)}</span>
      </td>
      <td className="num">
        <LivePrice ticker={alert.ticker} testId={`alert-last-${id}`} />
      </td>
      <td className="num">
        <Distance alert={alert} testId={`alert-distance-${id}`} />
      </td>
      <td>
        <StateBadge alert={alert} testId={`alert-state-${id}`} />
        <div className="alert-sub muted" data-testid={`alert-fired-${id}`}>
          {alert.triggeredAt && alert.triggeredPrice !== null
            ? `${alert.fireCount}× · last ${formatPrice(alert.triggeredPrice)} at ${formatShortDateTime(alert.triggeredAt, zone)}`
            : alert.stateReason ?? "never fired"}
        </div>
      </td>
      <td>
        {MODE_LABELS[alert.mode]}
        <div className="alert-sub muted">{alert.cooldownSeconds > 0 ? `${formatSeconds(alert.cooldownSeconds)} cooldown` : "no cooldown"}</div>
      </td>
      <td>
        {alert.expiresAt ? <Expiry id={id} at={alert.expiresAt} zone={zone} /> : <span className="muted">never</span>}
      </td>
      <td className="alert-actions">
        <button type="button" className="button button-small" disabled={editing} onClick={() => edits.begin(alert)} data-testid={`alert-edit-button-${id}`}>
          Edit
        </button>
        <AlertStateActions alert={alert} />
        <button type="button" className="button button-small button-danger" onClick={() => onDelete(alert)} data-testid={`alert-delete-${id}`}>
          Delete
        </button>
      </td>
    </tr>
  );
});

/** "in 2 d", counting down. */
function Expiry({ id, at, zone }: { id: string; at: Date; zone: string | undefined }) {
  const now = useNow(1_000);
  return (
    <span title={formatFullDateTime(at, zone)} data-testid={`alert-expires-${id}`}>
      {at.getTime() > now ? formatRelative(at, now) : "expired"}
    </span>
  );
}

"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import type { FiringView } from "@/domain/alerts/schema";
import { errorMessage, trpc } from "../../live/trpc";
import { useSetting } from "../../settings/live";
import { formatPrice } from "../../ui/format-number";
import { formatAgo, useNow } from "../../ui/relative-time";
import { formatFullDateTime, formatShortDateTime } from "../../ui/zoned-time";
import { useAlertsStore, useFirings } from "../live";
import { describeCondition } from "../meta";
import { toFiringView } from "../store";

const PAGE = 50;

/**
 * The audit of firings, newest first, each with the exact tick that fired it;
 * of one alert, or of all. New firings appear as they happen; older pages load
 * on request.
 */
export function FiringHistory({ alertId, compact = false, max }: { alertId?: string; compact?: boolean; max?: number }) {
  const store = useAlertsStore();
  const all = useFirings();
  const zone = useSetting("displayTimeZone")?.value as string | undefined;
  const now = useNow(5_000);
  const utils = trpc.useUtils();
  const head = trpc.alerts.firings.useQuery(alertId ? { id: alertId, limit: PAGE } : { limit: PAGE }, { refetchOnWindowFocus: true });
  const [older, setOlder] = useState<{ cursor: string | null; loading: boolean; error: string | null } | null>(null);

  useEffect(() => {
    if (head.data) store.addFirings(head.data.firings.map(toFiringView).filter((firing): firing is FiringView => firing !== null));
  }, [head.data, store]);

  const firings = (alertId ? all.filter((firing) => firing.alertId === alertId) : all).slice(0, max ?? Number.POSITIVE_INFINITY);
  const cursor = older ? older.cursor : (head.data?.nextCursor ?? null);

  const loadOlder = async () => {
    const last = firings.at(-1);
    if (!last) return;
    setOlder({ cursor, loading: true, error: null });
    try {
      const page = await utils.client.alerts.firings.query(alertId ? { id: alertId, cursor: last.id, limit: PAGE } : { cursor: last.id, limit: PAGE });
      store.addFirings(page.firings.map(toFiringView).filter((firing): firing is FiringView => firing !== null));
      setOlder({ cursor: page.nextCursor, loading: false, error: null });
    } catch (error) {
      setOlder({ cursor, loading: false, error: errorMessage(error) });
    }
  };

  if (!head.data && head.isPending) return <p className="card-empty muted">Loading firings…</p>;
  if (head.error && !head.data) return <p className="card-empty field-error">Could not load the firings: {head.error.message}</p>;
  if (firings.length === 0) {
    return (
      <p className="card-empty muted" data-testid="firings-empty">
        {alertId ? "This alert has not fired yet." : "No alert has fired yet. Firings appear here the moment they happen."}
      </p>
    );
  }

  return (
    <>
      <table className="data-table firings-table" data-testid={alertId ? `firings-${alertId}` : "firings"}>
        <thead>
          <tr>
            <th>Fired</th>
            {!alertId && <th>Alert</th>}
            <th className="num">Tick price</th>
            {!compact && <th className="num">Tick</th>}
            {!compact && <th>Tick time</th>}
          </tr>
        </thead>
        <tbody>
          {firings.map((firing) => {
            const alert = store.get(firing.alertId);
            return (
              <tr key={firing.id} data-testid={`firing-${firing.id}`} data-alert-id={firing.alertId}>
                <td title={formatFullDateTime(firing.firedAt, zone)}>
                  {formatShortDateTime(firing.firedAt, zone, now)} <span className="muted">· {formatAgo(firing.firedAt, now)}</span>
                </td>
                {!alertId && (
                  <td>
                    <Link href={`/alerts/${firing.alertId}`} className="ticker-link mono">{firing.ticker}</Link>{" "}
                    <span className="muted">{alert ? describeCondition(alert.condition, alert.threshold) : ""}</span>
                  </td>
                )}
                <td className="num">{formatPrice(firing.price)}</td>
                {!compact && <td className="num mono muted">#{firing.tickSeq}</td>}
                {!compact && <td title={formatFullDateTime(firing.tickAt, zone)}>{formatShortDateTime(firing.tickAt, zone, now)}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
      {!compact && cursor && (
        <div className="table-footer">
          <button type="button" className="button button-small" disabled={older?.loading} onClick={() => void loadOlder()} data-testid="firings-older">
            {older?.loading ? "Loading…" : "Load older firings"}
          </button>
          {older?.error && <span className="field-error">{older.error}</span>}
        </div>
      )}
    </>
  );
}

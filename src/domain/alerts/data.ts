import type { Database, Tx } from "@/db/client";
import { NotFoundError } from "../errors";
import { getSetting } from "../settings/data";
import { parseInput } from "../validation";
import type { FiringState, Tick } from "./lib/firing-rules";
import { firingsInput, type AlertCondition, type AlertMode, type AlertState, type AlertView, type FiringsInput, type FiringsPage, type FiringView } from "./schema";

export const alertColumns = {
  id: true,
  ticker: true,
  condition: true,
  threshold: true,
  mode: true,
  cooldownSeconds: true,
  expiresAt: true,
  note: true,
  state: true,
  stateReason: true,
  triggeredAt: true,
  triggeredPrice: true,
  triggeredTickSeq: true,
  fireCount: true,
  arming: true,
  version: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** What the evaluator needs besides the view: the firing bookkeeping. */
export const firingStateColumns = {
  ...alertColumns,
  userId: true,
  lastFiredAt: true,
  lastFiredSeq: true,
  windowStartAt: true,
  windowFires: true,
} as const;

type AlertRow = Omit<AlertView, "condition" | "mode" | "state" | "triggeredTick"> & {
  condition: string;
  mode: string;
  state: string;
  triggeredTickSeq: number | null;
};

export function toAlertView({ triggeredTickSeq, ...row }: AlertRow): AlertView {
  return {
    id: row.id,
    ticker: row.ticker,
    condition: row.condition as AlertCondition,
    threshold: row.threshold,
    mode: row.mode as AlertMode,
    cooldownSeconds: row.cooldownSeconds,
    expiresAt: row.expiresAt,
    note: row.note,
    state: row.state as AlertState,
    stateReason: row.stateReason,
    triggeredAt: row.triggeredAt,
    triggeredPrice: row.triggeredPrice,
    triggeredTick: triggeredTickSeq,
    fireCount: row.fireCount,
    arming: row.arming,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export type CandidateAlert = AlertRow & Omit<FiringState, "condition" | "mode" | "state"> & { userId: string };

export const firingColumns = { id: true, alertId: true, arming: true, ticker: true, tickSeq: true, price: true, tickAt: true, firedAt: true } as const;

export async function listAlerts(db: Database, userId: string): Promise<AlertView[]> {
  const rows = await db.prisma.alert.findMany({ where: { userId }, select: alertColumns, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(toAlertView);
}

/** The alert, scoped to its owner: another user's id is "not found", exactly like an unknown one. */
export async function findAlert(db: Database | Tx, userId: string, id: string): Promise<AlertView> {
  const client = "prisma" in db ? db.prisma : db;
  const row = await client.alert.findFirst({ where: { id, userId }, select: alertColumns });
  if (!row) throw new NotFoundError("alert not found");
  return toAlertView(row);
}

/** The audit, newest first: every firing with the tick that caused it. */
export async function listFirings(db: Database, userId: string, rawInput: FiringsInput): Promise<FiringsPage> {
  const input = parseInput(firingsInput, rawInput, "invalid firings request") ?? { limit: 50 };
  if (input.id) await findAlert(db, userId, input.id);
  const rows = await db.prisma.alertFiring.findMany({
    where: { userId, ...(input.id ? { alertId: input.id } : {}) },
    select: firingColumns,
    orderBy: [{ firedAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
  });
  const page: FiringView[] = rows.slice(0, input.limit);
  return { firings: page, nextCursor: rows.length > input.limit ? page[page.length - 1]!.id : null };
}

/**
 * The armed alerts of `ticker` whose condition `tick` meets: one indexed query
 * over (ticker, condition, state, threshold) — the thresholds inside the range
 * the tick reached or crossed — never a scan of every alert.
 */
export async function alertsMetBy(db: Database, ticker: string, tick: Tick, previous: Tick | null): Promise<CandidateAlert[]> {
  const crossings = previous
    ? [
        ...(previous.price < tick.price ? [{ condition: "crossesUp", threshold: { gt: previous.price, lte: tick.price } }] : []),
        ...(previous.price > tick.price ? [{ condition: "crossesDown", threshold: { lt: previous.price, gte: tick.price } }] : []),
      ]
    : [];
  const rows = await db.prisma.alert.findMany({
    where: {
      ticker,
      state: "armed",
      OR: [{ condition: "above", threshold: { lt: tick.price } }, { condition: "below", threshold: { gt: tick.price } }, ...crossings],
    },
    select: firingStateColumns,
    orderBy: [{ userId: "asc" }, { id: "asc" }],
  });
  return rows as CandidateAlert[];
}

/** The tickers a user's screens show: the watchlist and every alert's ticker. */
export async function watchedTickers(db: Database, userId: string): Promise<string[]> {
  const [watchlist, alerts] = await Promise.all([
    getSetting(db, userId, "watchlist"),
    db.prisma.alert.findMany({ where: { userId }, select: { ticker: true }, distinct: ["ticker"] }),
  ]);
  return [...new Set([...watchlist.value, ...alerts.map((a) => a.ticker)])].sort();
}

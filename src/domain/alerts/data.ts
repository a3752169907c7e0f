import type { Database, Sql, SqlValue, Tx } from "@/db/client";
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

/** The columns of `firingStateColumns`, for hand-written statements (src/db/sql.ts). */
export const FIRING_STATE_SQL = Object.keys(firingStateColumns)
  .map((column) => `"${column}"`)
  .join(", ");

const DATE_COLUMNS = ["expiresAt", "triggeredAt", "createdAt", "updatedAt", "lastFiredAt", "windowStartAt"] as const;

/** A row of FIRING_STATE_SQL as hand-written SQL returns it (a DateTime is text on SQLite) → the Prisma shape. */
export function candidateFromSqlRow(row: Record<string, unknown>): CandidateAlert {
  const alert = { ...row } as Record<string, unknown>;
  for (const column of DATE_COLUMNS) alert[column] = row[column] === null ? null : new Date(row[column] as string | Date);
  return alert as unknown as CandidateAlert;
}

const armedOfTicker = (condition: string, range: string) =>
  `SELECT ${FIRING_STATE_SQL} FROM "alert" WHERE "ticker" = ? AND "condition" = '${condition}' AND "state" = 'armed' AND ${range}`;
const ABOVE = armedOfTicker("above", `"threshold" < ?`);
const BELOW = armedOfTicker("below", `"threshold" > ?`);
const CROSSED_UP = armedOfTicker("crossesUp", `"threshold" > ? AND "threshold" <= ?`);
const CROSSED_DOWN = armedOfTicker("crossesDown", `"threshold" < ? AND "threshold" >= ?`);
const ORDER = ` ORDER BY "userId", "id"`;

/**
 * The armed alerts of `ticker` whose condition `tick` meets: one statement, each
 * part a range scan of the (ticker, condition, state, threshold) index — the
 * thresholds inside the range the tick reached or crossed — never a scan of
 * every alert. Hand-written: it runs once per tick (docs/decisions/0013).
 */
export async function alertsMetBy(sql: Sql, ticker: string, tick: Tick, previous: Tick | null): Promise<CandidateAlert[]> {
  const parts = [ABOVE, BELOW];
  const params: SqlValue[] = [ticker, tick.price, ticker, tick.price];
  if (previous && previous.price !== tick.price) {
    parts.push(previous.price < tick.price ? CROSSED_UP : CROSSED_DOWN);
    params.push(ticker, previous.price, tick.price);
  }
  const rows = await sql.all<Record<string, unknown>>(parts.join(" UNION ALL ") + ORDER, ...params);
  return rows.map(candidateFromSqlRow);
}

/** The tickers a user's screens show: the watchlist and every alert's ticker. */
export async function watchedTickers(db: Database, userId: string): Promise<string[]> {
  const [watchlist, alerts] = await Promise.all([
    getSetting(db, userId, "watchlist"),
    db.prisma.alert.findMany({ where: { userId }, select: { ticker: true }, distinct: ["ticker"] }),
  ]);
  return [...new Set([...watchlist.value, ...alerts.map((a) => a.ticker)])].sort();
}

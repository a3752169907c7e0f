import type { TickView } from "@/domain/prices/schema";
import { VersionedStore } from "../live/versioned-store";

/** A ticker's latest price as this tab knows it; `version` is the tick's `seq` (its place in the ticker's commit order). */
export interface LivePrice extends TickView {
  version: number;
}

/**
 * The latest price of each ticker, from every source (the shared `prices.live`
 * stream, `prices.latest` queries, history): a tick replaces the shown one only
 * when its `seq` is higher, so a late query or a relayed tick never moves a
 * price back.
 */
export type PricesStore = VersionedStore<string, LivePrice>;

export function createPricesStore(): PricesStore {
  return new VersionedStore<string, LivePrice>();
}

/** A tick from any source (stream, query, BroadcastChannel relay), or null when it is not one. */
export function toTick(raw: unknown): TickView | null {
  if (!raw || typeof raw !== "object") return null;
  const { ticker, seq, price, at } = raw as Record<string, unknown>;
  if (typeof ticker !== "string" || typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1) return null;
  if (typeof price !== "number" || !Number.isFinite(price)) return null;
  const time = at instanceof Date ? at : typeof at === "string" ? new Date(at) : null;
  if (!time || Number.isNaN(time.getTime())) return null;
  return { ticker, seq, price, at: time };
}

export function mergeTicks(store: PricesStore, raws: readonly unknown[]): number {
  const ticks = raws.map(toTick).filter((tick): tick is TickView => tick !== null);
  return store.mergeMany(ticks.map((tick) => [tick.ticker, { ...tick, version: tick.seq }] as const));
}

/** The stream's event for one tick, as SharedStream relays it between tabs. */
export const PRICE_EVENT_TYPE = "price.tick";

/**
 * Ticks for a chart: ascending by seq, one point per seq, the history followed
 * by whatever the stream brought later. Returns a new array only if something
 * was added.
 */
export function appendTick(points: readonly TickView[], tick: TickView): readonly TickView[] {
  const last = points.at(-1);
  if (last && tick.seq <= last.seq) return points;
  return [...points, tick];
}

/** Change from the first to the last point, absolute and in percent (null without two points). */
export function changeOver(points: readonly TickView[]): { delta: number; percent: number } | null {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || points.length < 2 || first.price === 0) return null;
  const delta = last.price - first.price;
  return { delta, percent: (delta / first.price) * 100 };
}

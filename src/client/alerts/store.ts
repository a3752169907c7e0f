import { alertViewSchema, firingViewSchema, type AlertCondition, type AlertView, type FiringView } from "@/domain/alerts/schema";

type Listener = () => void;

interface Entry {
  view: AlertView;
  /** Deleted (an `alert.deleted` event, a delete response, or absent from a newer list): final, never shown again. */
  deleted: boolean;
  /** The store's change counter when this entry last changed. */
  stamp: number;
}

/**
 * The user's alerts as this tab shows them, and the firings it knows of.
 *
 * Alerts merge by version (docs/decisions/0003): a view replaces the shown one
 * only with a strictly higher version, whatever order list answers, mutation
 * responses and stream events arrive in. A deleted alert becomes a tombstone
 * that nothing brings back (ids are never reused). A list answer cannot say
 * when it was read, so an alert missing from it is taken as deleted only if the
 * tab knew it before the list was requested (`stamp` at the request): one that
 * arrived later may have been created after the list was read.
 */
export class AlertsStore {
  #entries: ReadonlyMap<string, Entry> = new Map();
  #firings: ReadonlyMap<string, FiringView> = new Map();
  #stamp = 0;
  #loaded = false;
  #alerts: readonly AlertView[] | null = [];
  #firingList: readonly FiringView[] | null = [];
  readonly #listeners = new Set<Listener>();

  /** The change counter; pass it to `applyList` from before the list request. */
  get stamp(): number {
    return this.#stamp;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** True once a whole list has been applied. */
  loaded = (): boolean => this.#loaded;

  /** The alerts not deleted, oldest first (the same array until something changes). */
  alerts = (): readonly AlertView[] => {
    this.#alerts ??= [...this.#entries.values()]
      .filter((entry) => !entry.deleted)
      .map((entry) => entry.view)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
    return this.#alerts;
  };

  get(id: string): AlertView | undefined {
    const entry = this.#entries.get(id);
    return entry && !entry.deleted ? entry.view : undefined;
  }

  isDeleted(id: string): boolean {
    return this.#entries.get(id)?.deleted ?? false;
  }

  /** The known firings of alerts not deleted, newest first (the same array until something changes). */
  firings = (): readonly FiringView[] => {
    this.#firingList ??= [...this.#firings.values()]
      .filter((firing) => !this.isDeleted(firing.alertId))
      .sort((a, b) => b.firedAt.getTime() - a.firedAt.getTime() || b.id.localeCompare(a.id));
    return this.#firingList;
  };

  /** Merges views (responses, events); returns how many replaced what was shown. */
  merge(views: readonly AlertView[]): number {
    let accepted = 0;
    const next = new Map(this.#entries);
    for (const view of views) {
      const current = next.get(view.id);
      if (current && (current.deleted || current.view.version >= view.version)) continue;
      next.set(view.id, { view, deleted: false, stamp: ++this.#stamp });
      accepted++;
    }
    if (accepted > 0) this.#commit(next);
    return accepted;
  }

  /** The alert was deleted (an event or the delete's response). */
  remove(view: AlertView): void {
    if (this.#entries.get(view.id)?.deleted) return;
    const next = new Map(this.#entries);
    next.set(view.id, { view, deleted: true, stamp: ++this.#stamp });
    this.#commit(next);
  }

  /** A whole `alerts.list` answer, requested when the store's stamp was `requestedAt`. */
  applyList(views: readonly AlertView[], requestedAt: number): void {
    const next = new Map(this.#entries);
    const listed = new Set(views.map((view) => view.id));
    let changed = !this.#loaded;
    for (const view of views) {
      const current = next.get(view.id);
      if (current && (current.deleted || current.view.version >= view.version)) continue;
      next.set(view.id, { view, deleted: false, stamp: ++this.#stamp });
      changed = true;
    }
    for (const [id, entry] of next) {
      if (entry.deleted || listed.has(id) || entry.stamp > requestedAt) continue;
      next.set(id, { ...entry, deleted: true, stamp: ++this.#stamp });
      changed = true;
    }
    this.#loaded = true;
    if (changed) this.#commit(next);
  }

  /** Adds firings (a page of `alerts.firings`, or one from an `alert.fired` event); returns the ids that were new. */
  addFirings(firings: readonly FiringView[]): string[] {
    const added = firings.filter((firing) => !this.#firings.has(firing.id));
    if (added.length === 0) return [];
    const next = new Map(this.#firings);
    for (const firing of added) next.set(firing.id, firing);
    this.#firings = next;
    this.#firingList = null;
    this.#notify();
    return added.map((firing) => firing.id);
  }

  #commit(next: Map<string, Entry>): void {
    this.#entries = next;
    this.#alerts = null;
    this.#firingList = null;
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

export function createAlertsStore(): AlertsStore {
  return new AlertsStore();
}

const ALERT_DATE_FIELDS = ["expiresAt", "triggeredAt", "createdAt", "updatedAt"] as const;

/** An AlertView from any source (response, event, a CONFLICT's `current`), or null when it is not one. */
export function toAlertView(raw: unknown): AlertView | null {
  const parsed = alertViewSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  if (!raw || typeof raw !== "object") return null;
  // Dates that crossed a boundary as strings.
  const copy: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const field of ALERT_DATE_FIELDS) if (typeof copy[field] === "string") copy[field] = new Date(copy[field] as string);
  const again = alertViewSchema.safeParse(copy);
  return again.success ? again.data : null;
}

export function toFiringView(raw: unknown): FiringView | null {
  const parsed = firingViewSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * How far the last price is from the alert's threshold: `delta` is how much the
 * price must move (threshold − price; positive = up), `percent` that against the
 * price. `atOrPast`: the price is on the firing side of the threshold already.
 */
export interface Distance {
  delta: number;
  percent: number;
  atOrPast: boolean;
}

export function distanceTo(alert: { condition: AlertCondition; threshold: number }, price: number | undefined): Distance | null {
  if (price === undefined || !Number.isFinite(price) || price <= 0) return null;
  const delta = alert.threshold - price;
  const atOrPast =
    alert.condition === "above" ? price > alert.threshold :
    alert.condition === "below" ? price < alert.threshold :
    alert.condition === "crossesUp" ? price >= alert.threshold :
    price <= alert.threshold;
  return { delta, percent: (delta / price) * 100, atOrPast };
}

/** Armed alerts with a known price, nearest to their threshold first (by percent). */
export function closestToTriggering(
  alerts: readonly AlertView[],
  priceOf: (ticker: string) => number | undefined,
  count: number,
): Array<{ alert: AlertView; distance: Distance }> {
  return alerts
    .filter((alert) => alert.state === "armed")
    .map((alert) => ({ alert, distance: distanceTo(alert, priceOf(alert.ticker)) }))
    .filter((row): row is { alert: AlertView; distance: Distance } => row.distance !== null)
    .sort((a, b) => Math.abs(a.distance.percent) - Math.abs(b.distance.percent) || a.alert.id.localeCompare(b.alert.id))
    .slice(0, count);
}

/**
 * "Seen up to": per browser and user, the `firedAt` (server time, ms) of the
 * newest firing the trader has seen on the Alerts page. Kept in localStorage so
 * every tab counts the same unseen firings, and the `storage` event tells the
 * other tabs when it moves. It only moves forward.
 */
export const seenMarkKey = (userId: string) => `vo-alerts-seen:${userId}`;

export function readSeenMark(storage: Pick<Storage, "getItem"> | null, userId: string): number | null {
  try {
    const value = Number(storage?.getItem(seenMarkKey(userId)) ?? Number.NaN);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

/** Moves the mark to `at` unless it is already later; returns the mark now stored. */
export function advanceSeenMark(storage: Pick<Storage, "getItem" | "setItem"> | null, userId: string, at: number): number {
  const current = readSeenMark(storage, userId);
  if (current !== null && current >= at) return current;
  try {
    storage?.setItem(seenMarkKey(userId), String(at));
  } catch {
    // Storage full or disabled: this tab still counts from `at`.
  }
  return at;
}

export function unseenCount(firings: readonly FiringView[], mark: number | null): number {
  if (mark === null) return 0;
  return firings.filter((firing) => firing.firedAt.getTime() > mark).length;
}

/**
 * The "seen up to" mark of one user in this tab, as an external store for
 * React: it follows other tabs' changes through the `storage` event and only
 * moves forward.
 */
export class SeenMark {
  readonly #storage: Pick<Storage, "getItem" | "setItem"> | null;
  readonly #listeners = new Set<Listener>();
  #userId: string | null = null;
  #mark: number | null = null;

  constructor(storage: Pick<Storage, "getItem" | "setItem"> | null) {
    this.#storage = storage;
  }

  get = (): number | null => this.#mark;

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Reads `userId`'s mark and follows the other tabs' changes to it; returns the function that stops following. */
  follow(userId: string | null): () => void {
    this.#userId = userId;
    this.#set(userId ? readSeenMark(this.#storage, userId) : null);
    if (!userId || typeof window === "undefined") return () => undefined;
    const onStorage = (event: StorageEvent) => {
      if (event.key === seenMarkKey(userId)) this.#set(readSeenMark(this.#storage, userId));
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }

  /** Sets the mark to `at` if this browser has none yet for the user. */
  initialize(at: number): void {
    if (this.#userId && readSeenMark(this.#storage, this.#userId) === null) this.advance(at);
  }

  /** Moves the mark forward to `at` (in every tab). */
  advance(at: number): void {
    if (this.#userId) this.#set(advanceSeenMark(this.#storage, this.#userId, at));
  }

  #set(mark: number | null): void {
    if (mark === this.#mark) return;
    this.#mark = mark;
    for (const listener of [...this.#listeners]) listener();
  }
}

/**
 * A browser-wide claim on a firing's sound. The tab holding the event stream
 * is the one that plays; this list (the last 50 firing ids) stops a second
 * play when the stream moves to another tab and replays what the first one
 * may already have relayed, and when tabs lack Web Locks and each holds its
 * own stream. Returns true if this tab may play it.
 */
export const SOUNDED_KEY = "vo-alerts-sounded";
const SOUNDED_MAX = 50;

export function claimSound(storage: Pick<Storage, "getItem" | "setItem"> | null, firingId: string): boolean {
  if (!storage) return true;
  try {
    const raw = JSON.parse(storage.getItem(SOUNDED_KEY) ?? "[]") as unknown;
    const sounded = Array.isArray(raw) ? raw.filter((id): id is string => typeof id === "string") : [];
    if (sounded.includes(firingId)) return false;
    storage.setItem(SOUNDED_KEY, JSON.stringify([...sounded, firingId].slice(-SOUNDED_MAX)));
    return true;
  } catch {
    return true;
  }
}

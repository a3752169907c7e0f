import type { ProviderView } from "@/domain/providers/schema";

/** The user's providers as of one commit: `seq` is the user's event sequence number at that commit. */
export interface ProvidersState {
  seq: number;
  providers: readonly ProviderView[];
}

type Listener = () => void;

/**
 * The providers as the UI shows them. Every source carries the whole list at
 * one commit (a stream event's `payload.providers`, a `providers.snapshot`
 * result), so the store swaps whole lists and never merges rows: a tab can
 * never show two active providers, or one row from before a change next to
 * one from after it.
 *
 * Ordering: an event replaces the state only when its seq is higher; a
 * snapshot when its seq is at least as high, because a snapshot at seq N holds
 * exactly the list that event N carried. A refetch answered late, or a
 * replayed event, therefore never shows an older list.
 */
export class ProvidersStore {
  #state: ProvidersState | null = null;
  readonly #listeners = new Set<Listener>();

  /** null until the first list arrives. */
  get = (): ProvidersState | null => this.#state;

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** A stream event of entity "provider"; returns true if it replaced the list. */
  applyEvent(seq: number, providers: readonly ProviderView[]): boolean {
    if (this.#state && seq <= this.#state.seq) return false;
    return this.#replace(seq, providers);
  }

  /** A `providers.snapshot` result; returns true if it replaced the list. */
  applySnapshot(seq: number, providers: readonly ProviderView[]): boolean {
    if (this.#state && seq < this.#state.seq) return false;
    return this.#replace(seq, providers);
  }

  #replace(seq: number, providers: readonly ProviderView[]): boolean {
    if (!Number.isSafeInteger(seq) || seq < 0) return false;
    this.#state = { seq, providers };
    for (const listener of [...this.#listeners]) listener();
    return true;
  }
}

export function createProvidersStore(): ProvidersStore {
  return new ProvidersStore();
}

export function activeProvider(state: ProvidersState | null): ProviderView | undefined {
  return state?.providers.find((provider) => provider.isActive);
}

function toDate(value: unknown): Date | null {
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

/**
 * A ProviderView from any source. Whatever is not shaped like a view is
 * dropped (null), and only the view's own fields are kept.
 */
export function toProviderView(raw: unknown): ProviderView | null {
  if (!raw || typeof raw !== "object") return null;
  const view = raw as Record<string, unknown>;
  const { id, name, model, baseUrl, apiKeyHint, isActive, version } = view;
  if (typeof id !== "string" || typeof name !== "string" || typeof model !== "string") return null;
  if (baseUrl !== null && typeof baseUrl !== "string") return null;
  if (typeof apiKeyHint !== "string" || typeof isActive !== "boolean" || typeof version !== "number") return null;
  const createdAt = toDate(view.createdAt);
  const updatedAt = toDate(view.updatedAt);
  if (!createdAt || !updatedAt) return null;
  return { id, name, model, baseUrl, apiKeyHint, isActive, version, createdAt, updatedAt };
}

/** A whole list, or null if any entry is malformed (a partial list would misstate which one is active). */
export function toProviderList(raw: unknown): ProviderView[] | null {
  if (!Array.isArray(raw)) return null;
  const views = raw.map(toProviderView);
  return views.every((view) => view !== null) ? (views as ProviderView[]) : null;
}

/** The seq of a stream event: its `seq`, or its id (the same number as a string). */
function eventSeq(event: { id?: unknown; seq?: unknown }): number | null {
  if (typeof event.seq === "number") return event.seq;
  if (typeof event.id === "string" && /^\d+$/.test(event.id)) return Number(event.id);
  return null;
}

/** Applies a provider stream event (`payload.providers` is the whole list after it). */
export function applyProviderEvent(store: ProvidersStore, event: { id?: unknown; seq?: unknown; payload?: unknown; [field: string]: unknown }): boolean {
  const seq = eventSeq(event);
  const providers = toProviderList((event.payload as { providers?: unknown } | null | undefined)?.providers);
  return seq !== null && providers !== null && store.applyEvent(seq, providers);
}

/** Applies a `providers.snapshot` result. */
export function applyProviderSnapshot(store: ProvidersStore, snapshot: { seq: number; providers: unknown } | undefined): boolean {
  const providers = toProviderList(snapshot?.providers);
  return snapshot !== undefined && providers !== null && store.applySnapshot(snapshot.seq, providers);
}

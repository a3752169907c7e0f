/**
 * A client-side store of versioned entities (docs/decisions/0003-client-cache.md).
 *
 * Every source of data — query results, mutation responses, the `current`
 * value carried by a CONFLICT, stream events relayed from another tab — is
 * merged here with one rule: an entry is replaced only by one with a strictly
 * higher version. The server gives every acknowledged write a distinct,
 * increasing version per key, so two entries with the same version hold the
 * same value, and an entry with a lower version is older. Whatever order the
 * responses and events arrive in, the store only moves forward, so a slow
 * refetch or a late event can never make the UI show a reverted value.
 */
export interface Versioned {
  version: number;
}

export type Listener = () => void;

export class VersionedStore<K extends string, V extends Versioned> {
  #entries: ReadonlyMap<K, V> = new Map();
  readonly #listeners = new Set<Listener>();

  /** Merges one entry; returns true if it was newer and replaced (or created) the entry. */
  merge(key: K, entry: V): boolean {
    return this.mergeMany([[key, entry]]) > 0;
  }

  /** Merges many entries and notifies listeners once; returns how many were accepted. */
  mergeMany(entries: Iterable<readonly [K, V]>): number {
    let next: Map<K, V> | null = null;
    let accepted = 0;
    for (const [key, entry] of entries) {
      if (!isVersion(entry?.version)) continue;
      const current = (next ?? this.#entries).get(key);
      if (current && current.version >= entry.version) continue;
      next ??= new Map(this.#entries);
      next.set(key, entry);
      accepted++;
    }
    if (next) {
      this.#entries = next;
      for (const listener of [...this.#listeners]) listener();
    }
    return accepted;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  version(key: K): number | undefined {
    return this.#entries.get(key)?.version;
  }

  /** An immutable snapshot; a new object after every accepted change (for useSyncExternalStore). */
  snapshot(): ReadonlyMap<K, V> {
    return this.#entries;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function isVersion(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

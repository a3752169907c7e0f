/**
 * A short-lived, in-process cache of "this credential belongs to this user".
 * Better Auth's session lookup costs several Prisma queries (~10 ms here) on
 * every request; with the cache, a busy client pays it once per TTL.
 *
 * Trade-off (docs/decisions/0005-session-cache.md): a sign-out is seen at once
 * by the process that handled it (the session-delete hook calls `forget`), and
 * by other processes within the TTL (default 5 s, SESSION_CACHE_MS=0 disables).
 */
interface Entry {
  userId: string;
  sessionToken: string;
  expiresAt: number;
}

export class SessionCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = Number(process.env.SESSION_CACHE_MS ?? 5_000),
    private readonly maxEntries = 10_000,
  ) {}

  get(credential: string, now = Date.now()): string | null {
    const entry = this.#entries.get(credential);
    if (!entry) return null;
    if (entry.expiresAt <= now) {
      this.#entries.delete(credential);
      return null;
    }
    return entry.userId;
  }

  set(credential: string, userId: string, sessionToken: string, sessionExpiresAt: Date, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(credential, { userId, sessionToken, expiresAt: Math.min(now + this.ttlMs, sessionExpiresAt.getTime()) });
  }

  /** Drops every cached credential of a session (sign-out, revocation). */
  forget(sessionToken: string): void {
    for (const [credential, entry] of this.#entries) if (entry.sessionToken === sessionToken) this.#entries.delete(credential);
  }
}

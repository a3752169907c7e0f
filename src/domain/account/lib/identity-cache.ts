import type { AccountView } from "../schema";

/**
 * The sign-in identity (id, name, email, creation time) per user, kept in process.
 * Why a cache cannot show a stale value here (docs/decisions/0014): those columns are
 * written once, at sign-up. Nothing in the app changes them — Better Auth's
 * update-user, change-email and delete-user endpoints are off (src/server/auth/auth.ts);
 * the name and email a trader edits are the profile's, versioned and event-logged.
 * So the first read is the only read, in every process, and `account.me` is served
 * without a database round trip from then on.
 */
export class IdentityCache {
  readonly #entries = new Map<string, AccountView>();

  constructor(private readonly maxEntries = 10_000) {}

  async get(userId: string, load: (userId: string) => Promise<AccountView>): Promise<AccountView> {
    const cached = this.#entries.get(userId);
    if (cached) return cached;
    const identity = Object.freeze(await load(userId)); // shared by every request that reads it
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(userId, identity);
    return identity;
  }
}

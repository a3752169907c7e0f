import { IdentityCache } from "@/domain/account/lib/identity-cache";
import { EventTailer } from "@/domain/events/lib/tailer";
import { PriceTailer } from "@/domain/prices/lib/price-tailer";
import { createApiKeyCipher, type ApiKeyCipher } from "@/domain/providers/lib/api-key-cipher";
import { createAuth, type Auth } from "./auth/auth";
import { SessionCache } from "./auth/session-cache";
import { openDatabase, type Database } from "@/db/client";
import { loadSecret } from "@/config/secrets";

/** Everything a request needs, created once per process by server.ts (or a test). */
export interface AppServices {
  db: Database;
  auth: Auth;
  sessions: SessionCache;
  /** Sign-in identities, written once at sign-up, so read once per process (`account.me`). */
  identities: IdentityCache;
  tailer: EventTailer;
  /** Feeds live price subscriptions. */
  prices: PriceTailer;
  /** Emails of the accounts with the feed role (VO_FEED_ACCOUNTS): only they may ingest prices. */
  feedAccounts: ReadonlySet<string>;
  /** Encrypts provider API keys under a secret that is not in the database. */
  apiKeys: ApiKeyCipher;
  /** The app's own origins, for CSRF checks and Better Auth's trusted origins. */
  origins: string[];
  /** Aborted on shutdown: open streams end so the server can drain. */
  shutdown: AbortSignal;
  /** Ends open streams; requests in flight still have the database. */
  beginShutdown(): void;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  databaseUrl?: string;
  origins: string[];
  authSecret?: string;
  /** Default: VO_PROVIDER_KEY, else the secret file `provider-key` (src/config/secrets.ts). */
  providerKeySecret?: string;
  /** Secrets that still decrypt during a rotation. Default: VO_PROVIDER_KEY_PREVIOUS (comma-separated). */
  providerKeyPreviousSecrets?: string[];
  /** Default: VO_FEED_ACCOUNTS (comma-separated emails). */
  feedAccounts?: string[];
}

export async function startServices(options: ServiceOptions): Promise<AppServices> {
  const db = openDatabase(options.databaseUrl);
  const sessions = new SessionCache();
  const auth = createAuth(db, {
    origins: options.origins,
    secret: options.authSecret,
    onSessionDeleted: (token) => sessions.forget(token),
  });
  const apiKeys = createApiKeyCipher(
    options.providerKeySecret ?? loadSecret("VO_PROVIDER_KEY", "provider-key"),
    options.providerKeyPreviousSecrets ?? previousProviderKeySecrets(),
  );
  const tailer = new EventTailer(db);
  await tailer.start();
  const shutdown = new AbortController();
  return {
    db,
    auth,
    sessions,
    identities: new IdentityCache(),
    tailer,
    prices: new PriceTailer(db),
    feedAccounts: new Set((options.feedAccounts ?? commaList(process.env.VO_FEED_ACCOUNTS)).map((email) => email.toLowerCase())),
    apiKeys,
    origins: options.origins,
    shutdown: shutdown.signal,
    beginShutdown: () => shutdown.abort(),
    async stop() {
      shutdown.abort();
      await tailer.stop();
      await db.close();
    },
  };
}

/** Origins the app answers on: APP_ORIGIN (comma-separated) or localhost/127.0.0.1 on the port. */
export function appOrigins(port: number): string[] {
  const configured = (process.env.APP_ORIGIN ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  return configured.length > 0 ? configured : [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}

function previousProviderKeySecrets(): string[] {
  return commaList(process.env.VO_PROVIDER_KEY_PREVIOUS);
}

function commaList(text: string | undefined): string[] {
  return (text ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

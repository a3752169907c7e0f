import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { bearer } from "better-auth/plugins";
import { ensureUserCounter } from "@/domain/events/mutations";
import type { Database } from "@/db/client";
import { loadSecret } from "@/config/secrets";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { signInGuard } from "./sign-in-guard";
import { checkAuthInput } from "./sign-up-input";

/** Better Auth endpoints that would rewrite a user row's identity; they answer 404. */
export const IDENTITY_WRITING_PATHS = ["/update-user", "/change-email", "/delete-user", "/delete-user/callback"] as const;

export interface AuthOptions {
  /** The app's own origins (scheme://host:port); requests from others are refused. */
  origins: string[];
  secret?: string;
  /** Called after a session row is deleted (sign-out, revocation). */
  onSessionDeleted?: (sessionToken: string) => void;
}

/**
 * Better Auth: email + password, session cookie for browsers, and the bearer
 * plugin so scripts can send `Authorization: Bearer <session token>`.
 * Rate-limit counters live in the database so every process shares them: per
 * client address (Better Auth's limiter) and per account (sign-in-guard.ts).
 */
export function createAuth(db: Database, options: AuthOptions) {
  const rateLimited = process.env.AUTH_RATE_LIMIT !== "off";
  const guard = signInGuard(db, rateLimited);
  return betterAuth({
    appName: "Virtual Office",
    baseURL: options.origins[0],
    trustedOrigins: options.origins,
    secret: options.secret ?? loadSecret("BETTER_AUTH_SECRET", "auth-secret"),
    database: prismaAdapter(db.prisma, { provider: db.provider }),
    emailAndPassword: { enabled: true, autoSignIn: true, minPasswordLength: 8, maxPasswordLength: 128 },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: rateLimited,
      storage: "database",
      window: 60,
      max: 300,
      customRules: { "/sign-in/email": { window: 60, max: 30 }, "/sign-up/email": { window: 60, max: 30 } },
    },
    telemetry: { enabled: false },
    // The user row's name and email are written once, at sign-up, so every process may
    // keep them (IdentityCache, docs/decisions/0014); what a trader edits is the profile.
    disabledPaths: [...IDENTITY_WRITING_PATHS],
    // The client address comes only from server.ts, which sets this header from the
    // TCP peer (or, behind a TRUSTED_PROXIES hop, the forwarded chain) and drops
    // whatever the client sent under that name; X-Forwarded-For is never read here.
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
    hooks: { before: checkAuthInput(guard.before), after: guard.after },
    plugins: [bearer()],
    databaseHooks: {
      user: { create: { after: async (user) => ensureUserCounter(db, user.id) } },
      session: { delete: { after: async (session) => options.onSessionDeleted?.(session.token) } },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

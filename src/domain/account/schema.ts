import { z } from "zod";

export const accountViewSchema = z.strictObject({ id: z.string(), name: z.string(), email: z.string(), createdAt: z.date() });
export type AccountView = z.infer<typeof accountViewSchema>;

/** A signed-in session as the account page shows it; never its token. */
export const sessionViewSchema = z.strictObject({
  id: z.string(),
  createdAt: z.date(),
  lastSeenAt: z.date(),
  expiresAt: z.date(),
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

/** `id` signs out one session; `all` signs out every session, this one too. */
export const revokeSessionsInput = z.union([
  z.strictObject({ id: z.string().min(1, "required").max(64, "not a session id") }),
  z.strictObject({ all: z.literal(true) }),
]);
export type RevokeSessionsInput = z.input<typeof revokeSessionsInput>;

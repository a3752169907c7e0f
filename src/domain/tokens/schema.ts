import { z } from "zod";

/** Every API token starts with this, so a credential's kind is known before any lookup. */
export const API_TOKEN_PREFIX = "vo_";
export const TOKEN_NAME_MAX = 80;
/** How many characters of the secret the list shows (the prefix included). */
export const TOKEN_PREFIX_LENGTH = 11;
/** Live tokens one account may hold. */
export const TOKENS_PER_USER_MAX = 50;

/**
 * read: queries and the stream. write: mutations. ingest: price ingestion
 * (granted only together with the feed role). A browser session has read+write.
 */
export const tokenScopes = ["read", "write", "ingest"] as const;
export type TokenScope = (typeof tokenScopes)[number];

export const createTokenInput = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(TOKEN_NAME_MAX, `at most ${TOKEN_NAME_MAX} characters`),
  expiresAt: z.coerce
    .date()
    .refine((date) => date.getTime() > Date.now(), "must be in the future")
    .refine((date) => date.getTime() < Date.UTC(2100, 0, 1), "must be before 2100")
    .nullish(),
  scopes: z
    .array(z.enum(tokenScopes))
    .min(1, "at least one scope")
    .max(tokenScopes.length)
    .default(["read", "write"]),
});

export const tokenIdInput = z.strictObject({ id: z.string().min(1, "required").max(64, "not a token id") });

export type CreateTokenInput = z.input<typeof createTokenInput>;
export type TokenIdInput = z.input<typeof tokenIdInput>;

export const tokenViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(tokenScopes)),
  version: z.number(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export type TokenView = z.infer<typeof tokenViewSchema>;

/** The only response that ever carries the secret: the one from `create`. */
export const createdTokenSchema = z.strictObject({ token: tokenViewSchema, secret: z.string() });
export type CreatedToken = z.infer<typeof createdTokenSchema>;

/** Who a verified token speaks for. */
export interface TokenPrincipal {
  tokenId: string;
  userId: string;
  scopes: ReadonlySet<TokenScope>;
}

import { createHash } from "node:crypto";
import type { Database } from "@/db/client";
import { API_TOKEN_PREFIX, tokenScopes, type TokenPrincipal, type TokenScope, type TokenView } from "./schema";

/** Tokens carry 256 random bits, so one fast hash is enough (no password-style stretching). */
export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export const tokenColumns = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  version: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
} as const;

type TokenRow = Omit<TokenView, "scopes"> & { scopes: string };

export function toTokenView(row: TokenRow): TokenView {
  return { ...row, scopes: parseScopes(row.scopes) };
}

export function parseScopes(text: string): TokenScope[] {
  return text.split(",").filter((scope): scope is TokenScope => (tokenScopes as readonly string[]).includes(scope));
}

export async function listTokens(db: Database, userId: string): Promise<TokenView[]> {
  const rows = await db.prisma.apiToken.findMany({ where: { userId }, select: tokenColumns, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
  return rows.map(toTokenView);
}

/** lastUsedAt is written at most this often per token, so a busy bot does not turn reads into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The principal behind a presented secret, or null. Not cached: a revocation
 * or expiry is seen by the next request in every process.
 */
export async function authenticateToken(db: Database, secret: string, now = new Date()): Promise<TokenPrincipal | null> {
  if (!secret.startsWith(API_TOKEN_PREFIX) || secret.length > 128) return null;
  const row = await db.prisma.apiToken.findUnique({
    where: { secretHash: hashTokenSecret(secret) },
    select: { id: true, userId: true, scopes: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
  });
  if (!row || row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= now)) return null;
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Best effort and conditional: of several processes seeing the same stale
    // value, one writes; a failure here must not fail the request.
    await db.prisma.apiToken
      .updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] }, data: { lastUsedAt: now } })
      .catch(() => undefined);
  }
  return { tokenId: row.id, userId: row.userId, scopes: new Set(parseScopes(row.scopes)) };
}

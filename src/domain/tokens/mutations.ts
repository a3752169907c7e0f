import { randomBytes, randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { NotFoundError, ValidationError } from "../errors";
import { writeForUser } from "../writes";
import { parseInput } from "../validation";
import { hashTokenSecret, tokenColumns, toTokenView } from "./data";
import {
  API_TOKEN_PREFIX,
  createTokenInput,
  TOKEN_PREFIX_LENGTH,
  tokenIdInput,
  TOKENS_PER_USER_MAX,
  type CreatedToken,
  type CreateTokenInput,
  type TokenIdInput,
  type TokenView,
} from "./schema";

/**
 * Creates a token and returns its secret — the only time it leaves the server.
 * No idempotency receipt: a receipt would have to store the secret.
 */
export async function createToken(db: Database, userId: string, rawInput: CreateTokenInput): Promise<CreatedToken> {
  const input = parseInput(createTokenInput, rawInput, "invalid token");
  const secret = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return writeForUser(db, userId, { operation: "account.tokens.create" }, async (tx, log) => {
    // Under the user's write lock, so concurrent creates cannot both pass the count.
    const live = await tx.apiToken.count({ where: { userId, revokedAt: null } });
    if (live >= TOKENS_PER_USER_MAX) {
      throw new ValidationError(`at most ${TOKENS_PER_USER_MAX} live tokens; revoke one first`, { name: ["too many live tokens"] });
    }
    const row = await tx.apiToken.create({
      data: {
        id: randomUUID(),
        userId,
        name: input.name,
        prefix: secret.slice(0, TOKEN_PREFIX_LENGTH),
        secretHash: hashTokenSecret(secret),
        scopes: [...new Set(input.scopes)].sort().join(","),
        expiresAt: input.expiresAt ?? null,
      },
      select: tokenColumns,
    });
    const token = toTokenView(row);
    await log.append({ type: "token.created", entity: "token", entityId: token.id, version: token.version, payload: token });
    return { token, secret };
  });
}

/** Revokes a token at once for every process (lookups are not cached). Revoking twice is a no-op. */
export async function revokeToken(db: Database, userId: string, rawInput: TokenIdInput): Promise<TokenView> {
  const { id } = parseInput(tokenIdInput, rawInput, "invalid token id");
  return writeForUser(db, userId, { operation: "account.tokens.revoke" }, async (tx, log) => {
    // The owner and "not yet revoked" are the WHERE clause: another user's id matches nothing.
    const revoked = await tx.apiToken.updateMany({
      where: { id, userId, revokedAt: null },
      data: { revokedAt: new Date(), version: { increment: 1 } },
    });
    const row = await tx.apiToken.findFirst({ where: { id, userId }, select: tokenColumns });
    if (!row) throw new NotFoundError("token not found");
    const token = toTokenView(row);
    if (revoked.count === 1) {
      await log.append({ type: "token.revoked", entity: "token", entityId: token.id, version: token.version, payload: token });
    }
    return token;
  });
}

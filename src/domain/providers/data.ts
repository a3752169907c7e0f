import type { Database, Tx } from "@/db/client";
import { NotFoundError } from "../errors";
import type { ApiKeyCipher } from "./lib/api-key-cipher";
import type { ProviderSnapshot, ProviderView } from "./schema";

/** Columns that may leave the server (a row selected with these is a ProviderView); the ciphertext is not among them. */
export const providerViewColumns = {
  id: true,
  name: true,
  model: true,
  baseUrl: true,
  apiKeyHint: true,
  isActive: true,
  version: true,
  createdAt: true,
  updatedAt: true,
} as const;

const listOrder = [{ createdAt: "asc" as const }, { id: "asc" as const }];

export function listProvidersIn(client: Tx | Database["prisma"], userId: string): Promise<ProviderView[]> {
  return client.provider.findMany({ where: { userId }, select: providerViewColumns, orderBy: listOrder });
}

/** One statement, so a reader sees one committed state: never zero or two active. */
export function listProviders(db: Database, userId: string): Promise<ProviderView[]> {
  return listProvidersIn(db.prisma, userId);
}

/**
 * The list and the user's event sequence number at the same commit, so a live
 * client can tell whether a stream event is newer than what it fetched.
 */
export function providerSnapshot(db: Database, userId: string): Promise<ProviderSnapshot> {
  return db.snapshot(async (tx) => {
    const counter = await tx.userCounter.findUnique({ where: { userId }, select: { eventSeq: true } });
    const providers = await listProvidersIn(tx, userId);
    return { seq: counter?.eventSeq ?? 0, providers };
  });
}

export interface ProviderCredentials {
  id: string;
  name: string;
  model: string;
  baseUrl: string | null;
  apiKey: string;
}

/** Server-side only (assistant features): the active provider with its decrypted key, or null. */
export async function activeProviderCredentials(
  db: Database,
  cipher: ApiKeyCipher,
  userId: string,
): Promise<ProviderCredentials | null> {
  const row = await db.prisma.provider.findFirst({
    where: { userId, isActive: true },
    select: { id: true, name: true, model: true, baseUrl: true, apiKeyCipher: true },
  });
  if (!row) return null;
  const { apiKeyCipher, ...rest } = row;
  return { ...rest, apiKey: cipher.decrypt(apiKeyCipher, { userId, providerId: row.id }) };
}

/** Another user's provider is reported exactly like a missing one. */
export const providerNotFound = (id: string) => new NotFoundError(`no provider with id "${id}"`);

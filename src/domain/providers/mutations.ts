import { randomUUID } from "node:crypto";
import type { Database, Tx } from "@/db/client";
import { ConflictError } from "../errors";
import { writeForUser, type EventLogWriter } from "../writes";
import { parseInput } from "../validation";
import { apiKeyHint, type ApiKeyCipher } from "./lib/api-key-cipher";
import { listProvidersIn, providerNotFound, providerViewColumns } from "./data";
import {
  addProviderInput,
  deleteProviderInput,
  providerIdInput,
  updateProviderInput,
  type AddProviderInput,
  type DeleteProviderInput,
  type ProviderEventPayload,
  type ProviderIdInput,
  type ProviderView,
  type UpdateProviderInput,
} from "./schema";

/*
 * Every provider write runs in writeForUser: the user's provider writes are
 * serialized by the user's write lock, so "exactly one active" is kept by
 * ordering statements within one transaction (deactivate, then activate) and
 * no reader ever sees a state between them. The partial unique index
 * provider_one_active_per_user is the database's own guard for "at most one".
 */

/** Adds a provider. The user's first provider, or one added with activate: true, becomes the active one. */
export function addProvider(db: Database, cipher: ApiKeyCipher, userId: string, input: AddProviderInput): Promise<ProviderView> {
  const { name, model, apiKey, baseUrl, activate, requestId } = parseInput(addProviderInput, input, "invalid provider");
  return writeForUser(db, userId, { operation: "providers.add", requestId }, async (tx, log): Promise<ProviderView> => {
    const id = randomUUID();
    const hasActive = (await tx.provider.count({ where: { userId, isActive: true } })) > 0;
    const active = activate === true || !hasActive;
    const activationSeq = active ? await deactivateAll(tx, userId) : 0;
    await tx.provider.create({
      data: {
        id,
        userId,
        name,
        model,
        baseUrl: baseUrl ?? null,
        apiKeyCipher: cipher.encrypt(apiKey, { userId, providerId: id }),
        apiKeyHint: apiKeyHint(apiKey),
        isActive: active,
        activationSeq,
      },
      select: { id: true },
    });
    return logChange(tx, log, userId, "added", id);
  });
}

/**
 * Changes name, model, base URL and/or key; an omitted key keeps the stored one.
 * With expectedVersion, a stale version fails with CONFLICT carrying the current provider.
 */
export function updateProvider(db: Database, cipher: ApiKeyCipher, userId: string, input: UpdateProviderInput): Promise<ProviderView> {
  const { id, name, model, apiKey, baseUrl, expectedVersion, requestId } = parseInput(updateProviderInput, input, "invalid provider update");
  return writeForUser(db, userId, { operation: "providers.update", requestId }, async (tx, log): Promise<ProviderView> => {
    const current = await currentProvider(tx, userId, id, expectedVersion);
    const data = {
      ...(name !== undefined && { name }),
      ...(model !== undefined && { model }),
      ...(baseUrl !== undefined && { baseUrl }),
      ...(apiKey !== undefined && { apiKeyCipher: cipher.encrypt(apiKey, { userId, providerId: id }), apiKeyHint: apiKeyHint(apiKey) }),
      version: { increment: 1 },
    };
    const { count } = await tx.provider.updateMany({ where: { id, userId, version: current.version }, data });
    if (count !== 1) throw changedDuringWrite(current);
    return logChange(tx, log, userId, "updated", id);
  });
}

/** Makes one provider the active one; the previously active one is deactivated in the same transaction. */
export function setActiveProvider(db: Database, userId: string, input: ProviderIdInput): Promise<ProviderView> {
  const { id, requestId } = parseInput(providerIdInput, input, "invalid provider id");
  return writeForUser(db, userId, { operation: "providers.setActive", requestId }, async (tx, log): Promise<ProviderView> => {
    await currentProvider(tx, userId, id);
    // Always a write, even when already active: the last committed setActive is
    // the one that holds, and its event says so.
    await activate(tx, userId, id);
    return logChange(tx, log, userId, "activated", id);
  });
}

/**
 * Deletes a provider. Deleting the active one promotes, in the same
 * transaction, the most recently active remaining provider (highest
 * activationSeq); among never-activated ones, the most recently added.
 */
export function deleteProvider(db: Database, userId: string, input: DeleteProviderInput): Promise<ProviderView> {
  const { id, expectedVersion, requestId } = parseInput(deleteProviderInput, input, "invalid provider id");
  return writeForUser(db, userId, { operation: "providers.delete", requestId }, async (tx, log): Promise<ProviderView> => {
    const current = await currentProvider(tx, userId, id, expectedVersion);
    const { count } = await tx.provider.deleteMany({ where: { id, userId, version: current.version } });
    if (count !== 1) throw changedDuringWrite(current);
    let promotedId: string | null = null;
    if (current.isActive) {
      const next = await tx.provider.findFirst({
        where: { userId },
        orderBy: [{ activationSeq: "desc" }, { createdAt: "desc" }, { id: "desc" }],
        select: { id: true },
      });
      if (next) {
        await activate(tx, userId, next.id);
        promotedId = next.id;
      }
    }
    return logChange(tx, log, userId, "deleted", { ...current, isActive: false }, promotedId);
  });
}

/** The provider as stored, scoped to the user: another user's id is "not found". */
async function currentProvider(tx: Tx, userId: string, id: string, expectedVersion?: number): Promise<ProviderView> {
  const view = await tx.provider.findFirst({ where: { id, userId }, select: providerViewColumns });
  if (!view) throw providerNotFound(id);
  if (expectedVersion !== undefined && expectedVersion !== view.version) {
    throw new ConflictError(`provider "${view.name}" changed: version ${view.version}, not ${expectedVersion}`, view);
  }
  return view;
}

const changedDuringWrite = (current: ProviderView) =>
  new ConflictError(`provider "${current.name}" changed during the write`, current);

/**
 * Deactivates the user's active provider (bumping its version) and returns the
 * next activation sequence number. Must run before a row is made active: the
 * partial unique index is checked statement by statement.
 */
async function deactivateAll(tx: Tx, userId: string, except?: string): Promise<number> {
  const { _max } = await tx.provider.aggregate({ where: { userId }, _max: { activationSeq: true } });
  await tx.provider.updateMany({
    where: { userId, isActive: true, ...(except && { id: { not: except } }) },
    data: { isActive: false, version: { increment: 1 } },
  });
  return (_max.activationSeq ?? 0) + 1;
}

async function activate(tx: Tx, userId: string, id: string): Promise<void> {
  const activationSeq = await deactivateAll(tx, userId, id);
  const { count } = await tx.provider.updateMany({
    where: { id, userId },
    data: { isActive: true, activationSeq, version: { increment: 1 } },
  });
  if (count !== 1) throw providerNotFound(id);
}

/**
 * Appends the change's event with the whole list after it; `subject` is the
 * changed provider (its id, read back from that list) or, for a delete, its last view.
 */
async function logChange(
  tx: Tx,
  log: EventLogWriter,
  userId: string,
  change: ProviderEventPayload["change"],
  subject: string | ProviderView,
  promotedId: string | null = null,
): Promise<ProviderView> {
  const providers = await listProvidersIn(tx, userId);
  const inList = (id: string) => {
    const view = providers.find((p) => p.id === id);
    if (!view) throw providerNotFound(id);
    return view;
  };
  const provider = typeof subject === "string" ? inList(subject) : subject;
  const promoted = promotedId === null ? null : inList(promotedId);
  const payload: ProviderEventPayload = { change, provider, promoted, providers };
  await log.append({ type: `provider.${change}`, entity: "provider", entityId: provider.id, version: provider.version, payload });
  return provider;
}

export interface KeyRotationReport {
  checked: number;
  rotated: number;
  /** Changed by a concurrent update between read and write: already under the current secret. */
  skipped: number;
  /** No configured secret opens them (ids only; the keys must be re-entered). */
  unreadable: string[];
}

/**
 * Re-encrypts every stored API key that is still under a previous secret.
 * Not a user-visible change: no version bump, no event, updatedAt kept. Each
 * row is one conditional UPDATE on the ciphertext it read, so a concurrent
 * providers.update (which writes a ciphertext under the current secret) wins
 * and this row is skipped; every process may run it at once.
 */
export async function rotateProviderKeys(db: Database, cipher: ApiKeyCipher, batchSize = 200): Promise<KeyRotationReport> {
  const report: KeyRotationReport = { checked: 0, rotated: 0, skipped: 0, unreadable: [] };
  for (let cursor = ""; ; ) {
    const rows = await db.prisma.provider.findMany({
      where: { id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: batchSize,
      select: { id: true, userId: true, apiKeyCipher: true, updatedAt: true },
    });
    if (rows.length === 0) return report;
    cursor = rows.at(-1)!.id;
    for (const row of rows) {
      report.checked++;
      let next: string | null;
      try {
        next = cipher.reencrypt(row.apiKeyCipher, { userId: row.userId, providerId: row.id });
      } catch {
        report.unreadable.push(row.id);
        continue;
      }
      if (next === null) continue;
      const { count } = await db.prisma.provider.updateMany({
        where: { id: row.id, apiKeyCipher: row.apiKeyCipher },
        data: { apiKeyCipher: next, updatedAt: row.updatedAt },
      });
      if (count === 1) report.rotated++;
      else report.skipped++;
    }
  }
}

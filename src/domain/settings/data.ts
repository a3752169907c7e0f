import { batchedRead } from "@/db/batched-reads";
import type { Database, Sql } from "@/db/client";
import { NotFoundError } from "../errors";
import {
  SETTING_KEYS,
  settingDefaults,
  settingSchemas,
  type SettingKey,
  type SettingRevisionView,
  type SettingView,
} from "./schema";

interface StoredSetting {
  key: string;
  value: string | null;
  version: number;
  updatedAt: Date;
}

/** A row as hand-written SQL returns it (src/db/sql.ts: a DateTime is text on SQLite). */
interface SettingRow {
  value: string | null;
  version: number;
  updatedAt: Date | string;
}

const fromSettingRow = (row: SettingRow): Omit<StoredSetting, "key"> => ({ ...row, updatedAt: new Date(row.updatedAt) });

/** Stored JSON → view; NULL (deleted) or a value the schema no longer accepts reads as the default. */
export function toSettingView<K extends SettingKey>(key: K, row: Omit<StoredSetting, "key"> | null): SettingView<K> {
  if (!row) return { key, value: settingDefaults[key], version: 0, isDefault: true, updatedAt: null } as SettingView<K>;
  const parsed = row.value === null ? null : settingSchemas[key].safeParse(JSON.parse(row.value));
  const view = parsed?.success
    ? { key, value: parsed.data, version: row.version, isDefault: false, updatedAt: row.updatedAt }
    : { key, value: settingDefaults[key], version: row.version, isDefault: true, updatedAt: row.updatedAt };
  return view as SettingView<K>;
}

/**
 * One statement per read, so a reader sees a whole committed value and its
 * version. Hand-written (src/db/sql.ts): on SQLite it runs on the read connection.
 */
export async function getSetting<K extends SettingKey>(db: Database, userId: string, key: K): Promise<SettingView<K>> {
  const row = await settingOf(db, { userId, key });
  return toSettingView(key, row ? fromSettingRow(row) : null);
}

// Concurrent settings.get calls share one statement on PostgreSQL (src/db/batched-reads.ts).
const settingOf = batchedRead<{ userId: string; key: SettingKey }, SettingRow & { userId: string; key: string }>({
  statement: (count) =>
    `SELECT "userId", "key", "value", "version", "updatedAt" FROM "setting" WHERE ("userId", "key") IN (VALUES ${Array.from({ length: count }, () => "(?, ?)").join(", ")})`,
  params: ({ userId, key }) => [userId, key],
  keyOf: ({ userId, key }) => `${userId}\u0000${key}`,
  keyOfRow: (row) => `${row.userId}\u0000${row.key}`,
  max: 64,
});

/** The stored row, or null; `sql` is a transaction's (inside a write). */
export async function storedSetting(sql: Sql, userId: string, key: SettingKey): Promise<Omit<StoredSetting, "key"> | null> {
  const [row] = await sql.all<SettingRow>(`SELECT "value", "version", "updatedAt" FROM "setting" WHERE "userId" = ? AND "key" = ?`, userId, key);
  return row ? fromSettingRow(row) : null;
}

export async function listSettings(db: Database, userId: string): Promise<SettingView[]> {
  const rows = await db.sql.all<SettingRow & { key: string }>(`SELECT "key", "value", "version", "updatedAt" FROM "setting" WHERE "userId" = ?`, userId);
  const byKey = new Map(rows.map((row) => [row.key, fromSettingRow(row)]));
  return SETTING_KEYS.map((key) => toSettingView(key, byKey.get(key) ?? null));
}

export async function settingHistory(db: Database, userId: string, key: SettingKey, limit = 50): Promise<SettingRevisionView[]> {
  const rows = await db.prisma.settingRevision.findMany({
    where: { userId, key },
    orderBy: { version: "desc" },
    take: limit,
    select: { version: true, value: true, action: true, createdAt: true },
  });
  return rows.map((row) => ({
    key,
    version: row.version,
    value: row.value === null ? settingDefaults[key] : JSON.parse(row.value),
    isDefault: row.value === null,
    action: row.action as SettingRevisionView["action"],
    createdAt: row.createdAt,
  }));
}

export function unknownRevision(key: SettingKey, version: number): NotFoundError {
  return new NotFoundError(`setting "${key}" has no version ${version}`);
}

import { z } from "zod";
import { requestIdSchema } from "../receipts/schema";
import { columnIntSchema, isIanaTimeZone } from "../validation";

/** A ticker like AAPL, BRK.B, RDS-A or 7203.T: upper-case, 1–12 characters. */
export const tickerSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9.\-]{0,11}$/, "a ticker is 1–12 characters: A–Z, 0–9, '.' or '-'");

export const WATCHLIST_MAX = 50;

/**
 * The settings registry: every key a user can store, its schema and default.
 * Unknown keys are rejected by the input schemas below.
 */
export const settingSchemas = {
  theme: z.enum(["system", "light", "dark"]),
  density: z.enum(["compact", "comfortable", "spacious"]),
  displayTimeZone: z.string().max(64).refine(isIanaTimeZone, "not an IANA time zone (e.g. Europe/London)"),
  chartInterval: z.enum(["1m", "5m", "15m", "1h", "4h", "1d", "1w"]),
  watchlist: z
    .array(tickerSchema)
    .max(WATCHLIST_MAX, `at most ${WATCHLIST_MAX} tickers`)
    .refine((list) => new Set(list).size === list.length, "tickers must be unique"),
  alertCooldownSeconds: z.number().int("whole seconds").min(0).max(86_400, "at most one day (86400 s)"),
  notificationSound: z.enum(["none", "chime", "bell", "ping"]),
} as const;

export type SettingKey = keyof typeof settingSchemas;
export type SettingValue<K extends SettingKey = SettingKey> = z.output<(typeof settingSchemas)[K]>;
export type SettingValues = { [K in SettingKey]: SettingValue<K> };

export const settingDefaults: SettingValues = {
  theme: "system",
  density: "comfortable",
  displayTimeZone: "UTC",
  chartInterval: "1h",
  watchlist: [],
  alertCooldownSeconds: 300,
  notificationSound: "chime",
};

export const SETTING_KEYS = Object.keys(settingSchemas) as SettingKey[];
export const settingKeySchema = z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]);

const viewVariant = <K extends SettingKey>(key: K) =>
  z.object({
    key: z.literal(key),
    value: settingSchemas[key],
    version: z.number().int().min(0),
    isDefault: z.boolean(),
    updatedAt: z.coerce.date().nullable(),
  });

/**
 * A setting as every read, write and `setting.*` event carries it: the router's
 * output and what the browser parses event payloads with.
 */
export const settingViewSchema = z.discriminatedUnion("key", [
  viewVariant("theme"),
  viewVariant("density"),
  viewVariant("displayTimeZone"),
  viewVariant("chartInterval"),
  viewVariant("watchlist"),
  viewVariant("alertCooldownSeconds"),
  viewVariant("notificationSound"),
]);

/** What every read and write returns: version 0 means "never set, default". One member per key. */
export type SettingView<K extends SettingKey = SettingKey> = K extends SettingKey
  ? {
      key: K;
      value: SettingValue<K>;
      version: number;
      isDefault: boolean;
      updatedAt: Date | null;
    }
  : never;

export interface SettingRevisionView {
  key: SettingKey;
  version: number;
  value: unknown;
  isDefault: boolean;
  action: "set" | "delete" | "revert";
  createdAt: Date;
}

const writeOptions = {
  /** The version the client last saw (0 = never set); stale → CONFLICT. */
  expectedVersion: columnIntSchema(0).optional(),
  requestId: requestIdSchema.optional(),
};

const setVariant = <K extends SettingKey>(key: K) =>
  z.object({ key: z.literal(key), value: settingSchemas[key], ...writeOptions });

/** Discriminated by key, so typed clients get each key's value type. */
export const setSettingInput = z.discriminatedUnion("key", [
  setVariant("theme"),
  setVariant("density"),
  setVariant("displayTimeZone"),
  setVariant("chartInterval"),
  setVariant("watchlist"),
  setVariant("alertCooldownSeconds"),
  setVariant("notificationSound"),
]);
export type SetSettingInput = z.input<typeof setSettingInput>;

export const settingKeyInput = z.object({ key: settingKeySchema });
export const deleteSettingInput = z.object({ key: settingKeySchema, ...writeOptions });
export const revertSettingInput = z.object({ key: settingKeySchema, toVersion: columnIntSchema(1), ...writeOptions });

export type DeleteSettingInput = z.infer<typeof deleteSettingInput>;
export type RevertSettingInput = z.infer<typeof revertSettingInput>;

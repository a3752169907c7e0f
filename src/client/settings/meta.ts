import { settingDefaults, settingSchemas, type SettingKey } from "@/domain/settings/schema";

type EnumKey = "theme" | "density" | "chartInterval" | "notificationSound";

/** The choices of an enum setting, straight from its schema (one source of truth). */
function choices(key: EnumKey, label = (value: string) => value.charAt(0).toUpperCase() + value.slice(1)) {
  return settingSchemas[key].options.map((value: string) => ({ value, label: label(value) }));
}

export interface SettingMeta {
  label: string;
  description: string;
  /** For enum keys: the choices, in display order. */
  options?: ReadonlyArray<{ value: string; label: string }>;
}

export const settingMeta: Record<SettingKey, SettingMeta> = {
  theme: {
    label: "Theme",
    description: "Light, dark, or follow your operating system.",
    options: choices("theme"),
  },
  density: {
    label: "Density",
    description: "How much space tables and lists use.",
    options: choices("density"),
  },
  displayTimeZone: {
    label: "Display time zone",
    description: "Times on charts, alerts and history are shown in this IANA zone.",
  },
  chartInterval: {
    label: "Default chart interval",
    description: "The candle size a new chart opens with.",
    options: choices("chartInterval", (value) => value),
  },
  watchlist: {
    label: "Watchlist",
    description: "Tickers you follow, up to 50.",
  },
  alertCooldownSeconds: {
    label: "Alert cooldown",
    description: "Minimum quiet time before a re-armed alert may fire again (0–86400 s).",
  },
  notificationSound: {
    label: "Notification sound",
    description: "Played when an alert fires.",
    options: choices("notificationSound"),
  },
};

export const settingSections: ReadonlyArray<{ title: string; keys: SettingKey[] }> = [
  { title: "Appearance", keys: ["theme", "density"] },
  { title: "Charts and time", keys: ["displayTimeZone", "chartInterval"] },
  { title: "Watchlist", keys: ["watchlist"] },
  { title: "Alerts and notifications", keys: ["alertCooldownSeconds", "notificationSound"] },
];

/** A value as the trader reads it. */
export function formatValue(key: SettingKey, value: unknown): string {
  if (key === "watchlist") {
    const list = Array.isArray(value) ? value : [];
    return list.length ? list.join(", ") : "(empty)";
  }
  if (key === "alertCooldownSeconds" && typeof value === "number") return formatSeconds(value);
  const option = settingMeta[key].options?.find((o) => o.value === value);
  if (option) return option.label;
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const parts: string[] = [];
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s) parts.push(`${s} s`);
  return `${seconds} s (${parts.join(" ")})`;
}

export const defaultValue = (key: SettingKey): unknown => settingDefaults[key];

import { settingDefaults, type SettingKey } from "@/domain/settings/schema";

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
    options: [
      { value: "system", label: "System" },
      { value: "light", label: "Light" },
      { value: "dark", label: "Dark" },
    ],
  },
  density: {
    label: "Density",
    description: "How much space tables and lists use.",
    options: [
      { value: "compact", label: "Compact" },
      { value: "comfortable", label: "Comfortable" },
      { value: "spacious", label: "Spacious" },
    ],
  },
  displayTimeZone: {
    label: "Display time zone",
    description: "Times on charts, alerts and history are shown in this IANA zone.",
  },
  chartInterval: {
    label: "Default chart interval",
    description: "The candle size a new chart opens with.",
    options: ["1m", "5m", "15m", "1h", "4h", "1d", "1w"].map((value) => ({ value, label: value })),
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
    options: [
      { value: "none", label: "None" },
      { value: "chime", label: "Chime" },
      { value: "bell", label: "Bell" },
      { value: "ping", label: "Ping" },
    ],
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

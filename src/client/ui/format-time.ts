/** Date and time in the trader's display zone (falls back to the browser's if the zone is unusable). */
export function formatDateTime(date: Date | string | null | undefined, timeZone?: string): string {
  if (!date) return "";
  const value = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(value.getTime())) return "";
  const options: Intl.DateTimeFormatOptions = {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(value);
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(value);
  }
}

export function formatClock(date: Date, timeZone: string): string | null {
  try {
    return new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone, timeZoneName: "short" }).format(date);
  } catch {
    return null;
  }
}

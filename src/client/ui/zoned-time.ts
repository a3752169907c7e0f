/**
 * Wall-clock times in the trader's display zone (the `displayTimeZone`
 * setting), which need not be the browser's: what a `datetime-local` input
 * shows and reads, and short times of day for charts and tables.
 */

function partsIn(date: Date, timeZone: string): Record<string, number> {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const out: Record<string, number> = {};
  for (const part of parts) if (part.type !== "literal") out[part.type] = Number(part.value);
  return out;
}

/** Milliseconds the zone is ahead of UTC at `date`. */
function offsetAt(date: Date, timeZone: string): number {
  const p = partsIn(date, timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "YYYY-MM-DDTHH:MM" as `<input type="datetime-local">` takes it, in `timeZone` (the browser's if unusable). */
export function toWallTime(date: Date | null | undefined, timeZone: string | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return "";
  try {
    const p = partsIn(date, timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
    return `${p.year}-${pad(p.month!)}-${pad(p.day!)}T${pad(p.hour!)}:${pad(p.minute!)}`;
  } catch {
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }
}

/**
 * The instant a wall time names in `timeZone` ("" → null; not a wall time →
 * an invalid Date, which the input schema reports). In a DST gap it moves
 * forward by the gap, as clocks do.
 */
export function fromWallTime(value: string, timeZone: string | undefined): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (value.trim() === "") return null;
  if (!match) return new Date(Number.NaN);
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const asUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s || 0);
  try {
    const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    let guess = asUtc - offsetAt(new Date(asUtc), zone);
    guess = asUtc - offsetAt(new Date(guess), zone);
    return new Date(guess);
  } catch {
    return new Date(y!, mo! - 1, d!, h!, mi!, s || 0);
  }
}

/** "14:03:22" in `timeZone`. */
export function formatTimeOfDay(date: Date, timeZone: string | undefined): string {
  const options: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat("en-GB", options).format(date);
  }
}

/** "14:03:22" today, "12 Mar 14:03" otherwise, in `timeZone`. */
export function formatShortDateTime(date: Date, timeZone: string | undefined, now = Date.now()): string {
  const sameDay = (a: Date, b: Date) => {
    try {
      const f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
      return f.format(a) === f.format(b);
    } catch {
      return a.toDateString() === b.toDateString();
    }
  };
  if (sameDay(date, new Date(now))) return formatTimeOfDay(date, timeZone);
  const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat("en-GB", options).format(date);
  }
}

/**
 * Wall-clock times in the trader's display zone (the `displayTimeZone`
 * setting), which need not be the browser's: what a `datetime-local` input
 * shows and reads, and short times of day for charts and tables.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per locale, options and zone, built on first use: building an
 * Intl formatter costs far more than using one, and tables re-render on every
 * firing and tick. An unknown zone throws, as the constructor does.
 */
function formatter(locale: string, options: Intl.DateTimeFormatOptions, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ""}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, found);
  }
  return found;
}

const WALL_PARTS: Intl.DateTimeFormatOptions = {
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
};

function partsIn(date: Date, timeZone: string): Record<string, number> {
  const parts = formatter("en-US", WALL_PARTS, timeZone).formatToParts(date);
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

/** Formats with `options` in `timeZone`, or in the browser's zone if that one is unusable. */
function inZone(locale: string, options: Intl.DateTimeFormatOptions, date: Date, timeZone: string | undefined): string {
  try {
    return formatter(locale, options, timeZone).format(date);
  } catch {
    return formatter(locale, options, undefined).format(date);
  }
}

const TIME_OF_DAY: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
const DAY: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit" };
const DAY_AND_TIME: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const FULL: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" };

/** "14:03:22" in `timeZone`. */
export function formatTimeOfDay(date: Date, timeZone: string | undefined): string {
  return inZone("en-GB", TIME_OF_DAY, date, timeZone);
}

/** "14:03:22" today, "12 Mar 14:03" otherwise, in `timeZone`. */
export function formatShortDateTime(date: Date, timeZone: string | undefined, now = Date.now()): string {
  if (inZone("en-CA", DAY, date, timeZone) === inZone("en-CA", DAY, new Date(now), timeZone)) return formatTimeOfDay(date, timeZone);
  return inZone("en-GB", DAY_AND_TIME, date, timeZone);
}

/** "1 Mar 2031, 15:30:00 GMT": a full time with its zone, for titles. */
export function formatFullDateTime(date: Date | null | undefined, timeZone: string | undefined): string {
  return date && !Number.isNaN(date.getTime()) ? inZone("en-GB", FULL, date, timeZone) : "";
}

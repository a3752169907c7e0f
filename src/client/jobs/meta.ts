import type { Digest } from "@/domain/digests/schema";
import type { JobRunReason, JobRunStatus, JobSchedule, MisfirePolicy } from "@/domain/jobs/schema";

/** What the Jobs page calls things: schedules in words, countdowns, durations, statuses. Pure functions. */

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
const DAY_TOKENS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

/** "every day at 08:00, Europe/London", "every 15 minutes", "Monday to Friday at 17:30, America/New_York". */
export function describeSchedule(schedule: JobSchedule): string {
  if ("everySeconds" in schedule) return describeInterval(schedule.everySeconds);
  return describeCron(schedule.cron, schedule.timeZone);
}

export function describeInterval(seconds: number): string {
  const units = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
    [1, "second"],
  ] as const;
  for (const [size, unit] of units) {
    if (seconds % size !== 0) continue;
    const count = seconds / size;
    return count === 1 ? `every ${unit}` : `every ${count} ${unit}s`;
  }
  return `every ${seconds} seconds`;
}

const NICKNAMES: Record<string, string> = {
  "@yearly": "every year on 1 January at 00:00",
  "@annually": "every year on 1 January at 00:00",
  "@monthly": "on the 1st of every month at 00:00",
  "@weekly": "every Sunday at 00:00",
  "@daily": "every day at 00:00",
  "@midnight": "every day at 00:00",
  "@hourly": "every hour, on the hour",
};

/**
 * The common shapes of a cron expression in words; anything else is quoted as
 * it is ("cron “0 8 1-7 * 1”, Europe/London"), never guessed at. Times of day
 * carry the zone they are in; pure intervals (every N minutes) do not need one.
 */
export function describeCron(cron: string, timeZone: string): string {
  const expression = cron.trim().replace(/\s+/g, " ");
  const nickname = NICKNAMES[expression.toLowerCase()];
  if (nickname) return nickname.includes(":") ? `${nickname}, ${timeZone}` : nickname;
  const fields = expression.split(" ");
  if (fields.length !== 5 && fields.length !== 6) return quoted(expression, timeZone);
  const [second, minute, hour, dayOfMonth, month, dayOfWeek] = fields.length === 5 ? ["0", ...fields] : fields;
  const fallback = quoted(expression, timeZone);
  if (month !== "*") return fallback;
  const everyDay = dayOfMonth === "*" && (dayOfWeek === "*" || dayOfWeek === "?");

  // every N seconds / every N minutes
  if (everyDay && hour === "*" && second === "0") {
    const step = stepOf(minute!);
    if (step !== null) return step === 1 ? "every minute" : `every ${step} minutes`;
  }
  if (everyDay && hour === "*" && minute === "*") {
    const step = stepOf(second!);
    return step === null ? fallback : step === 1 ? "every second" : `every ${step} seconds`;
  }
  // every hour (or every N hours) at :MM
  if (everyDay && isNumber(second!) && isNumber(minute!) && (hour === "*" || stepOf(hour!) !== null)) {
    const at = Number(minute) === 0 && Number(second) === 0 ? "on the hour" : `at :${pad(Number(minute))}${Number(second) ? `:${pad(Number(second))}` : ""}`;
    const step = hour === "*" ? 1 : stepOf(hour!)!;
    return step === 1 ? `every hour, ${at}` : `every ${step} hours, ${at}, ${timeZone}`;
  }
  // fixed times of day, on some days
  const times = timesOf(second!, minute!, hour!);
  if (!times) return fallback;
  if (dayOfMonth === "*" || dayOfMonth === "?") {
    const days = daysOf(dayOfWeek!);
    return days ? `${days} at ${times}, ${timeZone}` : fallback;
  }
  if (dayOfWeek === "*" || dayOfWeek === "?") {
    const dates = listOf(dayOfMonth!, 1, 31);
    return dates ? `on the ${joinWords(dates.map(ordinal))} of every month at ${times}, ${timeZone}` : fallback;
  }
  return fallback;
}

const quoted = (expression: string, timeZone: string) => `cron “${expression}”, ${timeZone}`;
const pad = (n: number) => String(n).padStart(2, "0");
const isNumber = (field: string) => /^\d{1,2}$/.test(field);

/** `*` → 1, `*\/N` or `0/N` → N; null for anything else. */
function stepOf(field: string): number | null {
  if (field === "*") return 1;
  const match = /^(?:\*|0)\/(\d{1,5})$/.exec(field);
  return match && Number(match[1]) > 0 ? Number(match[1]) : null;
}

/** A comma list of numbers in [min, max], sorted; null when it is anything else (ranges, steps, names). */
function listOf(field: string, min: number, max: number): number[] | null {
  if (!/^\d{1,2}(,\d{1,2})*$/.test(field)) return null;
  const values = [...new Set(field.split(",").map(Number))].sort((a, b) => a - b);
  return values.every((value) => value >= min && value <= max) ? values : null;
}

/** "08:00", "08:00 and 17:30", "08:00:15"; null for more than four times or anything but plain numbers. */
function timesOf(second: string, minute: string, hour: string): string | null {
  if (!isNumber(second) || Number(second) > 59) return null;
  const minutes = listOf(minute, 0, 59);
  const hours = listOf(hour, 0, 23);
  if (!minutes || !hours || minutes.length * hours.length > 4) return null;
  const seconds = Number(second) ? `:${pad(Number(second))}` : "";
  return joinWords(hours.flatMap((h) => minutes.map((m) => `${pad(h)}:${pad(m)}${seconds}`)));
}

/** The days a day-of-week field names, as words; null when it is not a plain list or range of days. */
function daysOf(field: string): string | null {
  if (field === "*" || field === "?") return "every day";
  const days = new Set<number>();
  for (const part of field.toUpperCase().split(",")) {
    const range = part.split("-");
    if (range.length > 2) return null;
    const [from, to] = range.map(dayNumber);
    if (from === null || from === undefined || to === null) return null;
    if (to === undefined) days.add(from);
    else if (from <= to) for (let day = from; day <= to; day++) days.add(day % 7);
    else return null;
  }
  const sorted = [...days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)); // Monday first
  if (sorted.length === 7) return "every day";
  if (sorted.length === 1) return `every ${DAY_NAMES[sorted[0]!]}`;
  const mondayIndex = sorted.map((day) => (day + 6) % 7);
  const contiguous = mondayIndex.every((value, i) => i === 0 || value === mondayIndex[i - 1]! + 1);
  if (contiguous && sorted.length >= 3) return `${DAY_NAMES[sorted[0]!]} to ${DAY_NAMES[sorted.at(-1)!]}`;
  return `every ${joinWords(sorted.map((day) => DAY_NAMES[day]!))}`;
}

/** 0–7 (0 and 7 are Sunday) or SUN–SAT; null otherwise. */
function dayNumber(token: string): number | null {
  if (/^[0-7]$/.test(token)) return Number(token) % 7;
  const index = DAY_TOKENS.indexOf(token as (typeof DAY_TOKENS)[number]);
  return index >= 0 ? index : null;
}

function ordinal(n: number): string {
  const suffix = n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th";
  return `${n}${suffix}`;
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/**
 * Time until the next run, to the second: "in 45 s", "in 4 min 05 s",
 * "in 2 h 14 min 05 s", "in 3 d 4 h 12 min". Rounded up, so it reads
 * "in 1 s" until the moment itself; at or after it, "due now".
 */
export function formatCountdown(ms: number): string {
  if (!(ms > 0)) return "due now";
  const total = Math.ceil(ms / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const seconds = total % 60;
  if (days > 0) return `in ${days} d ${hours} h ${minutes} min`;
  if (hours > 0) return `in ${hours} h ${pad(minutes)} min ${pad(seconds)} s`;
  if (minutes > 0) return `in ${minutes} min ${pad(seconds)} s`;
  return `in ${seconds} s`;
}

/** How long ago: "just now", "12 s ago", "5 min ago", "2 h ago", "3 d ago". */
export function formatAgo(ms: number): string {
  if (!(ms >= 1_000)) return "just now";
  const seconds = Math.floor(ms / 1_000);
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** How long a run took: "120 ms", "2.4 s", "3 min 12 s", "1 h 05 min". */
export function formatDuration(ms: number): string {
  if (!(ms >= 0)) return "";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1_000);
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`;
  return `${Math.floor(seconds / 3_600)} h ${pad(Math.floor((seconds % 3_600) / 60))} min`;
}

export const STATUS_LABELS: Record<JobRunStatus, string> = {
  pending: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  abandoned: "Abandoned",
};

export const REASON_LABELS: Record<JobRunReason, string> = {
  schedule: "On schedule",
  manual: "Run now",
  catchUp: "Catch-up",
  takeover: "Taken over",
};

/** What happens to ticks missed while every server was down. */
export function describeMisfire(misfire: MisfirePolicy): string {
  if (misfire.policy === "skip") return "missed runs are skipped";
  if (misfire.policy === "runOnce") return "missed runs are made up once";
  return `missed runs are each made up (at most ${misfire.maxRuns})`;
}

/** A job's params in words: "covers the last 24 hours"; params without words of their own as "Label: value". */
export function describeParams(params: Record<string, unknown>): string[] {
  return Object.entries(params).map(([name, value]) => {
    if (name === "periodHours" && typeof value === "number") return value === 1 ? "covers the last hour" : `covers the last ${value} hours`;
    return `${paramLabel(name)}: ${typeof value === "string" ? value : JSON.stringify(value)}`;
  });
}

/** Labels of a kind's params where the field name alone reads badly. */
const PARAM_LABELS: Record<string, string> = { periodHours: "Period (hours)" };

export function paramLabel(name: string): string {
  const known = PARAM_LABELS[name];
  if (known) return known;
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function kindLabel(kind: string): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1).replace(/-/g, " ");
}

/** What a delivered digest says, as a trader reads it: counts per area, newest switches. */
export function digestLines(digest: Digest): string[] {
  if (digest.changes === 0) return ["No changes in the period."];
  const lines: string[] = [];
  if (digest.settings.length > 0) lines.push(`Settings: ${digest.settings.map((s) => `${s.key} ×${s.changes}`).join(", ")}`);
  if (digest.profile.length > 0) lines.push(`Profile: ${digest.profile.map((p) => `${p.field} ×${p.changes}`).join(", ")}`);
  const { added, updated, deleted } = digest.providerChanges;
  if (added + updated + deleted > 0) lines.push(`Providers: ${added} added, ${updated} updated, ${deleted} deleted`);
  if (digest.providerSwitches.length > 0) lines.push(`Switched to ${digest.providerSwitches.map((s) => s.name).join(" → ")}`);
  return lines;
}

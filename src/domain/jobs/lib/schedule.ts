import { Cron } from "croner";

/** When a job runs: a cron expression (5 fields, or 6 with seconds first) in an IANA time zone, or every N seconds. */
export type JobSchedule = { cron: string; timeZone: string } | { everySeconds: number };

export type MisfirePolicy = { policy: "skip" } | { policy: "runOnce" } | { policy: "catchUp"; maxRuns: number };

/**
 * A tick later than this when it is claimed was missed (every process was
 * down or stuck) and is handled by the job's misfire policy, with every tick
 * since; a tick claimed within it is merely late and runs as scheduled.
 */
export const MISFIRE_GRACE_MS = 5_000;

const SECOND = 1000;
const CRON_CACHE_LIMIT = 1000;
const crons = new Map<string, Cron>();

/**
 * croner with "fixed-time" DST rules (its default): a local time that a
 * spring-forward skips runs at the first valid time after the gap, and one that
 * a fall-back repeats runs once, at its first occurrence. Throws on a bad
 * pattern or time zone.
 */
function cronFor(cron: string, timeZone: string): Cron {
  const key = `${timeZone} ${cron}`;
  let parsed = crons.get(key);
  if (!parsed) {
    parsed = new Cron(cron, { timezone: timeZone, paused: true, mode: "5-or-6-parts" });
    if (crons.size >= CRON_CACHE_LIMIT) crons.delete(crons.keys().next().value!);
    crons.set(key, parsed);
  }
  return parsed;
}

/**
 * The first tick strictly after `after`, or null if the schedule never fires
 * again. Ticks always fall on whole seconds: `everySeconds` ticks are the
 * multiples of N seconds since the Unix epoch (so every process computes the
 * same ones), cron ticks have no milliseconds.
 */
export function nextTick(schedule: JobSchedule, after: Date): Date | null {
  if ("everySeconds" in schedule) {
    const period = schedule.everySeconds * SECOND;
    return new Date((Math.floor(after.getTime() / period) + 1) * period);
  }
  return cronFor(schedule.cron, schedule.timeZone).nextRun(after);
}

/** The latest `count` ticks in [from, to], oldest first. */
export function latestTicks(schedule: JobSchedule, from: Date, to: Date, count: number): Date[] {
  if (count <= 0 || to < from) return [];
  let ticks: Date[];
  if ("everySeconds" in schedule) {
    const period = schedule.everySeconds * SECOND;
    const last = Math.floor(to.getTime() / period) * period;
    ticks = Array.from({ length: count }, (_, i) => new Date(last - i * period));
  } else {
    ticks = cronFor(schedule.cron, schedule.timeZone).previousRuns(count, new Date(to.getTime() + 1));
  }
  return ticks.filter((tick) => tick >= from && tick <= to).reverse();
}

/** What is wrong with a cron schedule (pattern, zone, or it never fires), or null. */
export function cronProblem(cron: string, timeZone: string): { field: "cron" | "timeZone"; message: string } | null {
  try {
    new Cron(cron, { paused: true, mode: "5-or-6-parts" });
  } catch (error) {
    return { field: "cron", message: `not a cron expression: ${cronMessage(error)}` };
  }
  let next: Date | null;
  try {
    next = cronFor(cron, timeZone).nextRun(new Date());
  } catch {
    return { field: "timeZone", message: "not an IANA time zone (e.g. Europe/London)" };
  }
  return next === null ? { field: "cron", message: "never fires" } : null;
}

const cronMessage = (error: unknown) =>
  String((error as Error)?.message ?? error)
    .replace(/^Cron\w*:\s*/, "")
    .slice(0, 120);

export function isWholeSecond(instant: Date): boolean {
  return instant.getTime() % SECOND === 0;
}

/** One run a claim creates; the first starts at once in the claiming process, the rest wait as `pending`. */
export interface PlannedRun {
  scheduledFor: Date;
  reason: "schedule" | "catchUp";
}

export interface ClaimPlan {
  runs: PlannedRun[];
  nextRunAt: Date | null;
}

/**
 * What claiming the tick `due` at `now` does. A tick within the grace runs as
 * scheduled. A later one was missed, and so was every tick since, up to `now`:
 * `skip` runs none of them, `runOnce` runs the latest once, `catchUp` runs the
 * latest `maxRuns` of them (oldest first); either way the job continues with
 * its first tick after `now`. (Continuing from `now − grace` instead would put
 * the next tick at the edge of the grace, where a slow claim misfires it again,
 * and a restart under load would cascade into one catch-up run after another.)
 */
export function planClaim(schedule: JobSchedule, misfire: MisfirePolicy, due: Date, now: Date, graceMs = MISFIRE_GRACE_MS): ClaimPlan {
  if (now.getTime() - due.getTime() <= graceMs) {
    return { runs: [{ scheduledFor: due, reason: "schedule" }], nextRunAt: nextTick(schedule, due) };
  }
  const keep = misfire.policy === "skip" ? 0 : misfire.policy === "runOnce" ? 1 : misfire.maxRuns;
  const runs = latestTicks(schedule, due, now, keep).map((scheduledFor) => ({ scheduledFor, reason: "catchUp" as const }));
  return { runs, nextRunAt: nextTick(schedule, now) };
}

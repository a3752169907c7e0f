"use client";

import Link from "next/link";
import type { JobView } from "@/domain/jobs/schema";
import { useJobs } from "../../jobs/live";
import { useSetting } from "../../settings/live";
import { formatSeconds } from "../../ui/format-number";
import { formatRelative } from "../../ui/relative-time";
import { formatFullDateTime } from "../../ui/zoned-time";

const SHOWN = 5;

function describeSchedule(job: JobView): string {
  return "cron" in job.schedule ? `cron ${job.schedule.cron} (${job.schedule.timeZone})` : `every ${formatSeconds(job.schedule.everySeconds)}`;
}

/**
 * The trader's next scheduled job runs, soonest first, from the Jobs domain's
 * live store (jobs.list, then job.* and jobRun.* events move nextRunAt).
 */
export function NextJobsCard({ now }: { now: number }) {
  const zone = useSetting("displayTimeZone")?.value as string | undefined;
  const { state, loadError } = useJobs();
  const upcoming = state.jobs
    .filter((job) => !job.paused && job.nextRunAt)
    .sort((a, b) => a.nextRunAt!.getTime() - b.nextRunAt!.getTime());
  const paused = state.jobs.filter((job) => job.paused).length;

  return (
    <section className="card" aria-labelledby="jobs-title">
      <h2 className="card-title card-title-row" id="jobs-title">
        <span>Next scheduled jobs</span>
        <Link href="/jobs" className="card-title-link">All jobs</Link>
      </h2>
      {loadError && !state.loaded ? (
        <p className="card-empty field-error">Could not load your jobs: {loadError}</p>
      ) : !state.loaded ? (
        <p className="card-empty muted">Loading…</p>
      ) : upcoming.length === 0 ? (
        <p className="card-empty muted" data-testid="jobs-empty">
          Nothing scheduled{paused > 0 ? ` (${paused} paused)` : ""}. Jobs you schedule (a daily digest, for instance) show their next run here.
        </p>
      ) : (
        <table className="data-table" data-testid="next-jobs">
          <tbody>
            {upcoming.slice(0, SHOWN).map((job) => (
              <tr key={job.id} data-testid={`next-job-${job.id}`}>
                <td>
                  <div className="next-job-name">{job.name}</div>
                  <div className="alert-sub muted">
                    {job.kind} · {describeSchedule(job)}
                  </div>
                </td>
                <td className="num" title={formatFullDateTime(job.nextRunAt, zone)}>
                  <div>{formatRelative(job.nextRunAt, now)}</div>
                  {job.lastStatus && <div className={`alert-sub next-job-status next-job-status-${job.lastStatus}`}>last {job.lastStatus}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

"use client";

import type { JobRunView } from "@/domain/jobs/schema";
import { formatDateTime } from "../../ui/format-time";
import { useRunHistory } from "../live";
import { formatDuration, REASON_LABELS, STATUS_LABELS } from "../meta";
import type { RunHistory as History } from "../store";
import { useNow } from "./clock";

/** A job's runs, newest tick first: status, when, how long, why, where, and what went wrong. */
export function RunHistory({ jobId, runs, history, zone }: { jobId: string; runs: readonly JobRunView[]; history: History | undefined; zone: string | undefined }) {
  const { more } = useRunHistory(jobId);
  const now = useNow();
  if (!history?.loaded && runs.length === 0) {
    return (
      <p className="job-history-empty muted" aria-busy="true">
        Loading runs…
      </p>
    );
  }
  if (runs.length === 0) {
    return (
      <p className="job-history-empty muted" data-testid={`job-runs-empty-${jobId}`}>
        No runs yet. It runs at its next scheduled time, or now with “Run now”.
      </p>
    );
  }
  return (
    <div className="job-history">
      <table className="history-table job-runs" data-testid={`job-runs-${jobId}`} aria-label="Run history">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col" className="right">Duration</th>
            <th scope="col">Reason</th>
            <th scope="col">Runner</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-testid={`job-run-${run.id}`} data-status={run.status} data-reason={run.reason} data-version={run.version}>
              <td>
                <span className={`run-status run-${run.status}`} data-testid={`job-run-status-${run.id}`}>
                  {STATUS_LABELS[run.status]}
                </span>
                {run.attempt > 1 && <span className="badge" title="A runner was lost and another process took the run over">attempt {run.attempt}</span>}
              </td>
              <td className="nowrap" title={`scheduled for ${formatDateTime(run.scheduledFor, zone)}`}>
                {formatDateTime(run.startedAt ?? run.scheduledFor, zone)}
              </td>
              <td className="right nowrap num">{duration(run, now)}</td>
              <td className="nowrap">{REASON_LABELS[run.reason]}</td>
              <td className="mono job-runner" title={run.runner ?? undefined}>
                {run.runner ?? "—"}
              </td>
              <td className="job-run-error" title={run.error ?? undefined}>
                {run.error ?? ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {history?.nextCursor && (
        <button type="button" className="link-button job-history-more" onClick={more} data-testid={`job-runs-more-${jobId}`}>
          Show older runs
        </button>
      )}
    </div>
  );
}

function duration(run: JobRunView, now: number): string {
  if (!run.startedAt) return "—";
  if (run.finishedAt) return formatDuration(run.finishedAt.getTime() - run.startedAt.getTime());
  if (run.status === "running") return `${formatDuration(Math.max(0, now - run.startedAt.getTime()))}…`;
  return "—";
}

"use client";

import { useEffect, useState } from "react";
import type { JobRunView, JobView } from "@/domain/jobs/schema";
import { errorMessage } from "../../live/trpc";
import { formatDateTime } from "../../ui/format-time";
import { useJobActions } from "../actions";
import type { ScheduleEdit, ScheduleEdits } from "../form";
import { describeMisfire, describeParams, describeSchedule, formatAgo, formatCountdown, kindLabel, STATUS_LABELS } from "../meta";
import type { RunHistory as History } from "../store";
import { useNow } from "./clock";
import { RunHistory } from "./run-history";
import { GoneEditNotice, ScheduleEditor } from "./schedule-editor";

type Toggle = { kind: "idle" } | { kind: "pending"; pausing: boolean } | { kind: "error"; message: string };
type RunNow = { kind: "idle" } | { kind: "requesting" } | { kind: "requested"; runId: string } | { kind: "error"; message: string };

/** One job: its schedule in words, the next run counting down, the last run, its controls and its run history. */
export function JobCard(props: {
  job: JobView;
  runs: readonly JobRunView[];
  history: History | undefined;
  edit: ScheduleEdit | undefined;
  edits: ScheduleEdits;
  zone: string | undefined;
  fallbackZone: string;
  onDelete(job: JobView): void;
}) {
  const { job, runs, history, edit, edits, zone, fallbackZone, onDelete } = props;
  const id = job.id;
  const actions = useJobActions();
  const [toggle, setToggle] = useState<Toggle>({ kind: "idle" });
  const [runNow, setRunNow] = useState<RunNow>({ kind: "idle" });
  const [flash, setFlash] = useState<string | null>(null);

  const editing = edit !== undefined;
  useEffect(() => {
    // A new edit starts from what is stored now: an earlier "saved" would be stale beside it.
    if (editing) setFlash(null);
  }, [editing]);
  useEffect(() => {
    if (!flash) return;
    const timer = setTimeout(() => setFlash(null), 6_000);
    return () => clearTimeout(timer);
  }, [flash]);

  const requested = runNow.kind === "requested" ? runs.find((run) => run.id === runNow.runId) : undefined;
  const requestedOpen = requested && (requested.status === "pending" || requested.status === "running");

  const setPaused = async (pausing: boolean) => {
    if (toggle.kind === "pending") return;
    setToggle({ kind: "pending", pausing });
    try {
      await (pausing ? actions.pause(id) : actions.resume(id));
      setToggle({ kind: "idle" });
    } catch (error) {
      setToggle({ kind: "error", message: errorMessage(error) });
    }
  };

  const trigger = async () => {
    setRunNow({ kind: "requesting" });
    setFlash(null);
    try {
      const run = await actions.trigger(id);
      setRunNow({ kind: "requested", runId: run.id });
    } catch (error) {
      setRunNow({ kind: "error", message: errorMessage(error) });
    }
  };


  return (
    <article
      className={`card job-card${job.paused ? " job-paused" : ""}`}
      aria-labelledby={`job-${id}-name`}
      data-testid={`job-${id}`}
      data-name={job.name}
      data-version={job.version}
      data-paused={job.paused ? "true" : "false"}
    >
      <header className="job-head">
        <div className="job-title">
          <h2 className="job-card-name" id={`job-${id}-name`} data-testid={`job-name-${id}`}>
            {job.name}
          </h2>
          <span className="badge">{kindLabel(job.kind)}</span>
          <span className="version" data-testid={`job-version-${id}`} title={`updated ${formatDateTime(job.updatedAt, zone)}`}>
            v{job.version}
          </span>
        </div>
        <PauseSwitch id={id} paused={job.paused} toggle={toggle} onToggle={(pausing) => void setPaused(pausing)} />
      </header>
      <p className="job-schedule" data-testid={`job-schedule-${id}`} title={"cron" in job.schedule ? `cron ${job.schedule.cron}` : `every ${job.schedule.everySeconds} s`}>
        {describeSchedule(job.schedule)}
      </p>
      <p className="job-details muted">{[...describeParams(job.params), describeMisfire(job.misfirePolicy)].join(" · ")}</p>

      <dl className="job-facts">
        <div className="job-fact">
          <dt>Next run</dt>
          <dd>
            <NextRun job={job} zone={zone} />
          </dd>
        </div>
        <div className="job-fact">
          <dt>Last run</dt>
          <dd>
            <LastRun job={job} zone={zone} />
          </dd>
        </div>
      </dl>

      {toggle.kind === "error" && (
        <p className="field-error job-feedback" role="alert" data-testid={`job-pause-error-${id}`}>
          Could not {job.paused ? "resume" : "pause"} it: {toggle.message}
        </p>
      )}

      <div className="job-actions">
        <button
          type="button"
          className="button button-primary button-small"
          disabled={runNow.kind === "requesting"}
          onClick={() => void trigger()}
          data-testid={`job-run-now-${id}`}
        >
          {runNow.kind === "requesting" ? "Requesting…" : "Run now"}
        </button>
        <button type="button" className="button button-small" disabled={Boolean(edit)} onClick={() => edits.begin(job, fallbackZone)} data-testid={`job-edit-${id}`}>
          Edit schedule
        </button>
        <button type="button" className="button button-small button-danger" onClick={() => onDelete(job)} data-testid={`job-delete-${id}`}>
          Delete
        </button>
        <span className="job-action-state" aria-live="polite" data-testid={`job-action-state-${id}`}>
          {runNow.kind === "error" ? (
            <span className="save-state save-error" role="alert">
              Run now failed: {runNow.message}
            </span>
          ) : requestedOpen ? (
            <span className="save-state save-saving">Run requested · {STATUS_LABELS[requested.status].toLowerCase()}…</span>
          ) : flash ? (
            <span className="save-state save-saved">{flash}</span>
          ) : null}
        </span>
      </div>

      {edit &&
        (edit.phase.kind === "gone" ? (
          <GoneEditNotice name={edit.name} onDismiss={() => edits.close(id)} />
        ) : (
          <ScheduleEditor id={id} live={job} edit={edit} edits={edits} fallbackZone={fallbackZone} onSaved={setFlash} />
        ))}

      <section className="job-history-section" aria-label={`Run history of ${job.name}`}>
        <h3 className="job-section-title">Run history</h3>
        <RunHistory jobId={id} runs={runs} history={history} zone={zone} />
      </section>
    </article>
  );
}

/** On: runs on its schedule; off: paused. The switch moves when the store has the change (the response or an event). */
function PauseSwitch({ id, paused, toggle, onToggle }: { id: string; paused: boolean; toggle: Toggle; onToggle(pausing: boolean): void }) {
  const pending = toggle.kind === "pending";
  return (
    <div className="job-switch-wrap">
      <span className="job-switch-label" id={`job-${id}-switch-label`}>
        {pending ? (toggle.pausing ? "Pausing…" : "Resuming…") : paused ? "Paused" : "Active"}
      </span>
      <button
        type="button"
        role="switch"
        aria-checked={!paused}
        aria-labelledby={`job-${id}-switch-label`}
        aria-describedby={`job-${id}-name`}
        title={paused ? "Paused: click to resume its schedule" : "Running on its schedule: click to pause"}
        className="job-switch"
        data-pending={pending ? "true" : undefined}
        disabled={pending}
        onClick={() => onToggle(!paused)}
        data-testid={`job-pause-${id}`}
      >
        <span className="job-switch-knob" aria-hidden />
      </button>
    </div>
  );
}

function NextRun({ job, zone }: { job: JobView; zone: string | undefined }) {
  const now = useNow();
  const testId = `job-next-${job.id}`;
  if (job.paused) {
    return (
      <span className="job-next muted" data-testid={testId} data-state="paused">
        Paused — not scheduled
      </span>
    );
  }
  if (!job.nextRunAt) {
    return (
      <span className="job-next muted" data-testid={testId} data-state="none">
        No further runs
      </span>
    );
  }
  const left = job.nextRunAt.getTime() - now;
  return (
    <span className="job-next" data-testid={testId} data-state="scheduled" data-next-run={job.nextRunAt.toISOString()}>
      <span className={`job-countdown${left <= 0 ? " job-due" : ""}`} data-testid={`job-countdown-${job.id}`}>
        {formatCountdown(left)}
      </span>
      <span className="job-when muted">
        {formatDateTime(job.nextRunAt, zone)} {zoneName(job.nextRunAt, zone)}
      </span>
    </span>
  );
}

function LastRun({ job, zone }: { job: JobView; zone: string | undefined }) {
  const now = useNow();
  if (!job.lastRunAt || !job.lastStatus) {
    return (
      <span className="muted" data-testid={`job-last-${job.id}`} data-status="none">
        Never run
      </span>
    );
  }
  return (
    <span className="job-last" data-testid={`job-last-${job.id}`} data-status={job.lastStatus}>
      <span className={`run-status run-${job.lastStatus}`}>{STATUS_LABELS[job.lastStatus]}</span>
      <span className="job-when muted" title={`started ${formatDateTime(job.lastRunAt, zone)} ${zoneName(job.lastRunAt, zone)}`}>
        {formatAgo(now - job.lastRunAt.getTime())}
      </span>
    </span>
  );
}

/** The zone's short name at that instant ("GMT", "BST", "UTC"), so a time is never read in the wrong zone. */
function zoneName(date: Date, zone: string | undefined): string {
  try {
    const parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "short" }).formatToParts(date);
    return parts.find((part) => part.type === "timeZoneName")?.value ?? "";
  } catch {
    return "";
  }
}

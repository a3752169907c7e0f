"use client";

import { useCallback, useState } from "react";
import { useSetting } from "../../settings/live";
import { useScheduleEdits } from "../form";
import { useJobs } from "../live";
import { runsOf } from "../store";
import { DeleteJobDialog, type DeleteRequest } from "./delete-job-dialog";
import { TIME_ZONE_LIST_ID, TimeZoneOptions } from "./fields";
import { JobCard } from "./job-card";
import { RegisterJobForm } from "./register-job-form";
import { GoneEditNotice } from "./schedule-editor";

function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function JobsPage() {
  const { state, loadError } = useJobs();
  const edits = useScheduleEdits();
  const [deleting, setDeleting] = useState<DeleteRequest | null>(null);
  const closeDelete = useCallback(() => setDeleting(null), []);
  const displayZone = useSetting("displayTimeZone");
  const zone = displayZone?.value as string | undefined;
  // A new schedule's zone: the trader's chosen display zone, else this browser's.
  const fallbackZone = displayZone && !displayZone.isDefault ? (displayZone.value as string) : browserZone();

  const byId = new Map(state.jobs.map((job) => [job.id, job]));
  const orphans = Object.entries(edits.edits).filter(([id]) => state.loaded && !byId.has(id));

  return (
    <>
      <div className="page-header">
        <h1>Jobs</h1>
        <p className="muted">
          Work that runs on a schedule, once per tick whichever server runs it. Pause, run now or reschedule here; changes from another tab or an API client
          appear as they happen.
        </p>
      </div>
      <TimeZoneOptions id={TIME_ZONE_LIST_ID} />
      {loadError && !state.loaded && <div className="notice notice-error">Could not load your jobs: {loadError}</div>}
      {!state.loaded && !loadError && (
        <div className="card skeleton" aria-busy="true">
          Loading jobs…
        </div>
      )}
      {orphans.map(([id, edit]) => (
        <GoneEditNotice key={id} name={edit.name} onDismiss={() => edits.close(id)} />
      ))}
      {state.loaded && (
        <div className="job-list" data-testid="jobs-list" data-count={state.jobs.length}>
          {state.jobs.length === 0 ? (
            <div className="card">
              <p className="jobs-empty muted" data-testid="jobs-empty">
                No jobs yet. Register one below — a digest of your day at 08:00, for instance.
              </p>
            </div>
          ) : (
            state.jobs.map((job) => (
              <JobCard
                key={job.id}
                job={job}
                runs={runsOf(state, job.id)}
                history={state.histories.get(job.id)}
                edit={edits.edits[job.id]}
                edits={edits}
                zone={zone}
                fallbackZone={fallbackZone}
                onDelete={(seen) => setDeleting({ id: seen.id, seen })}
              />
            ))
          )}
        </div>
      )}
      {state.loaded && <RegisterJobForm defaultZone={fallbackZone} />}
      {deleting && <DeleteJobDialog request={deleting} live={byId.get(deleting.id)} onClose={closeDelete} />}
    </>
  );
}

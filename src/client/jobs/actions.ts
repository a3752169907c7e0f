"use client";

import { useMemo } from "react";
import type { JobRunView, JobSchedule, JobView, RegisterJobInput } from "@/domain/jobs/schema";
import { sendOnce } from "../live/send";
import { errorCode, trpc } from "../live/trpc";
import { conflictCurrent } from "./form";
import { useJobsStore } from "./live";

export interface JobActions {
  register(input: Omit<RegisterJobInput, "requestId">): Promise<JobView>;
  pause(id: string): Promise<JobView>;
  resume(id: string): Promise<JobView>;
  trigger(id: string): Promise<JobRunView>;
  reschedule(id: string, schedule: JobSchedule | Record<string, unknown>, expectedVersion: number): Promise<JobView>;
  remove(id: string, expectedVersion: number): Promise<JobView>;
}

/**
 * The job mutations of this tab, each one logical request (one request id
 * across retries). Responses go into the store at once (the store orders them
 * against events), and so does the current job a CONFLICT carries.
 */
export function useJobActions(): JobActions {
  const utils = trpc.useUtils();
  const store = useJobsStore();
  return useMemo(() => {
    const { jobs } = utils.client;
    const job = (send: (requestId: string) => Promise<JobView>, deleted = false): Promise<JobView> =>
      sendOnce(send).then(
        (view) => {
          store.applyView(view, deleted);
          return view;
        },
        (error: unknown) => {
          const current = errorCode(error) === "CONFLICT" ? conflictCurrent(error) : null;
          if (current) store.applyView(current);
          throw error;
        },
      );
    return {
      register: (input) => job((requestId) => jobs.register.mutate({ ...input, requestId })),
      // No expectedVersion: "pause it" means paused from now whatever else changed, and it overwrites nothing else.
      pause: (id) => job((requestId) => jobs.pause.mutate({ id, requestId })),
      resume: (id) => job((requestId) => jobs.resume.mutate({ id, requestId })),
      trigger: (id) =>
        sendOnce((requestId) => jobs.trigger.mutate({ id, requestId })).then((run) => {
          store.applyRun(run);
          return run;
        }),
      reschedule: (id, schedule, expectedVersion) =>
        job((requestId) => jobs.updateSchedule.mutate({ id, schedule: schedule as JobSchedule, expectedVersion, requestId })),
      remove: (id, expectedVersion) => job((requestId) => jobs.delete.mutate({ id, expectedVersion, requestId }), true),
    };
  }, [utils, store]);
}

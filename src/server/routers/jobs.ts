import { z } from "zod";
import { getJob, listJobRuns, listJobs } from "@/domain/jobs/data";
import { deleteJob, pauseJob, registerJob, rescheduleJob, resumeJob, triggerJob, updateJob } from "@/domain/jobs/mutations";
import {
  jobIdInput,
  jobKindViewSchema,
  jobRunsInput,
  jobRunsPageSchema,
  jobRunViewSchema,
  jobVersionedInput,
  jobViewSchema,
  registerJobInput,
  traderJobKinds,
  triggerJobInput,
  updateJobInput,
  updateScheduleInput,
} from "@/domain/jobs/schema";
import { authedProcedure, router } from "../trpc/init";

// Strict output schemas: a response carrying anything beyond the views fails on the server.
export const jobsRouter = router({
  /** The kinds a trader can register, each with its params' JSON Schema and a description. */
  kinds: authedProcedure.output(z.array(jobKindViewSchema)).query(() => traderJobKinds()),
  register: authedProcedure
    .input(registerJobInput)
    .output(jobViewSchema)
    .mutation(({ ctx, input }) => registerJob(ctx.services.db, ctx.userId, input)),
  list: authedProcedure.output(z.array(jobViewSchema)).query(({ ctx }) => listJobs(ctx.services.db, ctx.userId)),
  get: authedProcedure
    .input(jobIdInput)
    .output(jobViewSchema)
    .query(({ ctx, input }) => getJob(ctx.services.db, ctx.userId, input)),
  pause: authedProcedure
    .input(jobVersionedInput)
    .output(jobViewSchema)
    .mutation(({ ctx, input }) => pauseJob(ctx.services.db, ctx.userId, input)),
  resume: authedProcedure
    .input(jobVersionedInput)
    .output(jobViewSchema)
    .mutation(({ ctx, input }) => resumeJob(ctx.services.db, ctx.userId, input)),
  /** "Run now": concurrent triggers coalesce into one pending run, which every caller gets. */
  trigger: authedProcedure
    .input(triggerJobInput)
    .output(jobRunViewSchema)
    .mutation(({ ctx, input }) => triggerJob(ctx.services.db, ctx.userId, input)),
  updateSchedule: authedProcedure
    .input(updateScheduleInput)
    .output(jobViewSchema)
    .mutation(({ ctx, input }) => rescheduleJob(ctx.services.db, ctx.userId, input)),
  update: authedProcedure
    .input(updateJobInput)
    .output(jobViewSchema)
    .mutation(({ ctx, input }) => updateJob(ctx.services.db, ctx.userId, input)),
  delete: authedProcedure
    .input(jobVersionedInput)
    .output(jobViewSchema)
    .mutation(({ ctx, input }) => deleteJob(ctx.services.db, ctx.userId, input)),
  /** The job's runs, newest tick first; pass `nextCursor` back for the next page. */
  runs: authedProcedure
    .input(jobRunsInput)
    .output(jobRunsPageSchema)
    .query(({ ctx, input }) => listJobRuns(ctx.services.db, ctx.userId, input)),
});

import type { Database } from "@/db/client";
import type { JobKind, JobParams, JobRunView } from "@/domain/jobs/schema";
import type { ApiKeyCipher } from "@/domain/providers/lib/api-key-cipher";

/** What a handler gets for one run. */
export interface JobExecution<P> {
  db: Database;
  apiKeys: ApiKeyCipher;
  job: { id: string; ownerId: string | null; name: string; kind: string };
  /** The job's params, parsed by its kind's schema. */
  params: P;
  run: JobRunView;
  /** Aborted when this process loses the run (lease taken over, job deleted) or stops. */
  signal: AbortSignal;
  now(): Date;
}

/**
 * Runs one tick of a job; resolves with a small JSON result (stored with the
 * run), throws to fail it. A run can be taken over after its runner died, so
 * a handler must be safe to run again for the same tick.
 */
export type JobHandler<P> = (execution: JobExecution<P>) => Promise<unknown>;

/** Every kind of the domain mapped to its handler: a kind without one is a compile error. */
export type JobHandlers = { [K in JobKind]: JobHandler<JobParams<K>> };

import type { Database } from "@/db/client";
import type { ApiKeyCipher } from "@/domain/providers/lib/api-key-cipher";
import { alertEvaluatorWorker } from "./alert-evaluator";
import { schedulerWorker } from "./jobs/worker";

/** What background work gets: the database and the secrets, never HTTP or Next.js. */
export interface WorkerContext {
  db: Database;
  apiKeys: ApiKeyCipher;
}

/** A background worker: `start` begins its work and returns how to stop it. */
export interface Worker {
  name: string;
  start(context: WorkerContext): () => void | Promise<void>;
}

/**
 * Every worker a process runs. A new worker is one file and one line here.
 * Periodic maintenance (retention, receipt pruning, key rotation) is not a
 * worker of its own: it is system jobs on the scheduler (src/worker/jobs/system-jobs.ts),
 * so it runs once per tick across all processes.
 */
export const WORKERS: readonly Worker[] = [schedulerWorker, alertEvaluatorWorker];

/** Starts every registered worker; the returned function stops them all (in reverse order). */
export function startWorkers(context: WorkerContext, workers: readonly Worker[] = WORKERS): () => Promise<void> {
  const stops = workers.map((worker) => worker.start(context));
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}

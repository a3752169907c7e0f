import type { Database } from "@/db/client";
import type { ApiKeyCipher } from "@/domain/providers/lib/api-key-cipher";
import { keyRotationWorker } from "./key-rotation";
import { retentionWorker } from "./retention";

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

/** Every worker a process runs. A new worker is one file and one line here. */
export const WORKERS: readonly Worker[] = [retentionWorker, keyRotationWorker];

/** Starts every registered worker; the returned function stops them all (in reverse order). */
export function startWorkers(context: WorkerContext, workers: readonly Worker[] = WORKERS): () => Promise<void> {
  const stops = workers.map((worker) => worker.start(context));
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}

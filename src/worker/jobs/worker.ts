import type { Worker } from "../index";
import { JobScheduler } from "./scheduler";

/** The job scheduler in this process (every server process, and `npm run worker`). */
export const schedulerWorker: Worker = {
  name: "scheduler",
  start: ({ db, apiKeys }) => {
    const scheduler = new JobScheduler({ db, apiKeys });
    scheduler.start();
    return () => scheduler.stop();
  },
};

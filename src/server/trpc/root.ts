import { accountRouter } from "../routers/account";
import { jobsRouter } from "../routers/jobs";
import { alertsRouter } from "../routers/alerts";
import { pricesRouter } from "../routers/prices";
import { profileRouter } from "../routers/profile";
import { providersRouter } from "../routers/providers";
import { settingsRouter } from "../routers/settings";
import { streamRouter } from "../routers/stream";
import { createCallerFactory, router } from "./init";

export const appRouter = router({
  account: accountRouter,
  jobs: jobsRouter,
  alerts: alertsRouter,
  prices: pricesRouter,
  profile: profileRouter,
  providers: providersRouter,
  settings: settingsRouter,
  stream: streamRouter,
});

/** The public API type: typed clients import this (type-only) to call the server. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

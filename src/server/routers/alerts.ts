import { z } from "zod";
import { listAlerts, listFirings } from "@/domain/alerts/data";
import { createAlert, deleteAlert, disableAlert, enableAlert, rearmAlert, updateAlert } from "@/domain/alerts/mutations";
import {
  alertActionInput,
  alertViewSchema,
  createAlertInput,
  firingsInput,
  firingsPageSchema,
  updateAlertInput,
} from "@/domain/alerts/schema";
import { authedProcedure, router } from "../trpc/init";

export const alertsRouter = router({
  list: authedProcedure.output(z.array(alertViewSchema)).query(({ ctx }) => listAlerts(ctx.services.db, ctx.userId)),
  create: authedProcedure
    .input(createAlertInput)
    .output(alertViewSchema)
    .mutation(({ ctx, input }) => createAlert(ctx.services.db, ctx.userId, input)),
  update: authedProcedure
    .input(updateAlertInput)
    .output(alertViewSchema)
    .mutation(({ ctx, input }) => updateAlert(ctx.services.db, ctx.userId, input)),
  delete: authedProcedure
    .input(alertActionInput)
    .output(alertViewSchema)
    .mutation(({ ctx, input }) => deleteAlert(ctx.services.db, ctx.userId, input)),
  rearm: authedProcedure
    .input(alertActionInput)
    .output(alertViewSchema)
    .mutation(({ ctx, input }) => rearmAlert(ctx.services.db, ctx.userId, input)),
  disable: authedProcedure
    .input(alertActionInput)
    .output(alertViewSchema)
    .mutation(({ ctx, input }) => disableAlert(ctx.services.db, ctx.userId, input)),
  enable: authedProcedure
    .input(alertActionInput)
    .output(alertViewSchema)
    .mutation(({ ctx, input }) => enableAlert(ctx.services.db, ctx.userId, input)),
  /** The audit: every firing with the exact tick that fired it, newest first. */
  firings: authedProcedure
    .input(firingsInput)
    .output(firingsPageSchema)
    .query(({ ctx, input }) => listFirings(ctx.services.db, ctx.userId, input)),
});

import { z } from "zod";
import { listProviders, providerSnapshot } from "@/domain/providers/data";
import { addProvider, deleteProvider, setActiveProvider, updateProvider } from "@/domain/providers/mutations";
import {
  addProviderInput,
  deleteProviderInput,
  providerIdInput,
  providerSnapshotSchema,
  providerViewSchema,
  updateProviderInput,
} from "@/domain/providers/schema";
import { authedProcedure, router } from "../trpc/init";

// Output schemas are strict: a response carrying anything beyond the view
// (a ciphertext, a key) fails on the server instead of leaving it.
export const providersRouter = router({
  list: authedProcedure.output(z.array(providerViewSchema)).query(({ ctx }) => listProviders(ctx.services.db, ctx.userId)),
  /** The list with the event sequence it reflects (for live clients; see docs/decisions/0007). */
  snapshot: authedProcedure.output(providerSnapshotSchema).query(({ ctx }) => providerSnapshot(ctx.services.db, ctx.userId)),
  add: authedProcedure
    .input(addProviderInput)
    .output(providerViewSchema)
    .mutation(({ ctx, input }) => addProvider(ctx.services.db, ctx.services.apiKeys, ctx.userId, input)),
  update: authedProcedure
    .input(updateProviderInput)
    .output(providerViewSchema)
    .mutation(({ ctx, input }) => updateProvider(ctx.services.db, ctx.services.apiKeys, ctx.userId, input)),
  setActive: authedProcedure
    .input(providerIdInput)
    .output(providerViewSchema)
    .mutation(({ ctx, input }) => setActiveProvider(ctx.services.db, ctx.userId, input)),
  delete: authedProcedure
    .input(deleteProviderInput)
    .output(providerViewSchema)
    .mutation(({ ctx, input }) => deleteProvider(ctx.services.db, ctx.userId, input)),
});

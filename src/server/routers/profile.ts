import { getProfile } from "@/domain/profile/data";
import { updateProfile } from "@/domain/profile/mutations";
import { updateProfileInput } from "@/domain/profile/schema";
import { authedProcedure, router } from "../trpc/init";

export const profileRouter = router({
  get: authedProcedure.query(({ ctx }) => getProfile(ctx.services.db, ctx.userId)),
  update: authedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) => updateProfile(ctx.services.db, ctx.userId, input)),
});

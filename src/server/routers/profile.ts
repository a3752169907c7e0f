import { getProfile } from "@/domain/profile/data";
import { updateProfile } from "@/domain/profile/mutations";
import { profileViewSchema, updateProfileInput } from "@/domain/profile/schema";
import { authedProcedure, router } from "../trpc/init";

export const profileRouter = router({
  get: authedProcedure.output(profileViewSchema).query(({ ctx }) => getProfile(ctx.services.db, ctx.userId)),
  update: authedProcedure
    .input(updateProfileInput)
    .output(profileViewSchema)
    .mutation(({ ctx, input }) => updateProfile(ctx.services.db, ctx.userId, input)),
});

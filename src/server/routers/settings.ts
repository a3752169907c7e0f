import { z } from "zod";
import { getSetting, listSettings, settingHistory } from "@/domain/settings/data";
import { deleteSetting, revertSetting, setSetting } from "@/domain/settings/mutations";
import {
  deleteSettingInput,
  revertSettingInput,
  setSettingInput,
  settingKeyInput,
  settingViewSchema,
} from "@/domain/settings/schema";
import { authedProcedure, router } from "../trpc/init";

export const settingsRouter = router({
  list: authedProcedure.output(z.array(settingViewSchema)).query(({ ctx }) => listSettings(ctx.services.db, ctx.userId)),
  get: authedProcedure.input(settingKeyInput).output(settingViewSchema).query(({ ctx, input }) => getSetting(ctx.services.db, ctx.userId, input.key)),
  history: authedProcedure
    .input(settingKeyInput)
    .query(({ ctx, input }) => settingHistory(ctx.services.db, ctx.userId, input.key)),
  set: authedProcedure.input(setSettingInput).output(settingViewSchema).mutation(({ ctx, input }) => setSetting(ctx.services.db, ctx.userId, input)),
  delete: authedProcedure
    .input(deleteSettingInput)
    .output(settingViewSchema)
    .mutation(({ ctx, input }) => deleteSetting(ctx.services.db, ctx.userId, input)),
  revert: authedProcedure
    .input(revertSettingInput)
    .output(settingViewSchema)
    .mutation(({ ctx, input }) => revertSetting(ctx.services.db, ctx.userId, input)),
});

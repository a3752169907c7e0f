import { getSetting, listSettings, settingHistory } from "@/domain/settings/data";
import { deleteSetting, revertSetting, setSetting } from "@/domain/settings/mutations";
import {
  deleteSettingInput,
  revertSettingInput,
  setSettingInput,
  settingKeyInput,
} from "@/domain/settings/schema";
import { authedProcedure, router } from "../trpc/init";

export const settingsRouter = router({
  list: authedProcedure.query(({ ctx }) => listSettings(ctx.services.db, ctx.userId)),
  get: authedProcedure.input(settingKeyInput).query(({ ctx, input }) => getSetting(ctx.services.db, ctx.userId, input.key)),
  history: authedProcedure
    .input(settingKeyInput)
    .query(({ ctx, input }) => settingHistory(ctx.services.db, ctx.userId, input.key)),
  set: authedProcedure.input(setSettingInput).mutation(({ ctx, input }) => setSetting(ctx.services.db, ctx.userId, input)),
  delete: authedProcedure
    .input(deleteSettingInput)
    .mutation(({ ctx, input }) => deleteSetting(ctx.services.db, ctx.userId, input)),
  revert: authedProcedure
    .input(revertSettingInput)
    .mutation(({ ctx, input }) => revertSetting(ctx.services.db, ctx.userId, input)),
});

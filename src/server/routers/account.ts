import { getAccount } from "@/domain/account/data";
import { authedProcedure, router } from "../trpc/init";

export const accountRouter = router({
  me: authedProcedure.query(({ ctx }) => getAccount(ctx.services.db, ctx.userId)),
});

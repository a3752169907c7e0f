import { z } from "zod";
import { getAccount, listSessions } from "@/domain/account/data";
import { revokeSessions } from "@/domain/account/mutations";
import { accountViewSchema, revokeSessionsInput, sessionViewSchema } from "@/domain/account/schema";
import { listTokens } from "@/domain/tokens/data";
import { createToken, revokeToken } from "@/domain/tokens/mutations";
import { createdTokenSchema, createTokenInput, tokenIdInput, tokenViewSchema } from "@/domain/tokens/schema";
import { authedProcedure, router, sessionProcedure } from "../trpc/init";

// Strict output schemas: nothing beyond the views (no secret hash, no session token) leaves.
export const accountRouter = router({
  me: authedProcedure.output(accountViewSchema).query(({ ctx }) => getAccount(ctx.services.db, ctx.userId, ctx.services.identities)),
  tokens: router({
    list: sessionProcedure.output(z.array(tokenViewSchema)).query(({ ctx }) => listTokens(ctx.services.db, ctx.userId)),
    create: sessionProcedure
      .input(createTokenInput)
      .output(createdTokenSchema)
      .mutation(({ ctx, input }) => createToken(ctx.services.db, ctx.userId, input)),
    revoke: sessionProcedure
      .input(tokenIdInput)
      .output(tokenViewSchema)
      .mutation(({ ctx, input }) => revokeToken(ctx.services.db, ctx.userId, input)),
  }),
  sessions: router({
    list: sessionProcedure
      .output(z.array(sessionViewSchema))
      .query(({ ctx }) => listSessions(ctx.services.db, ctx.userId, ctx.principal.sessionToken)),
    revoke: sessionProcedure
      .input(revokeSessionsInput)
      .output(z.strictObject({ revoked: z.number() }))
      .mutation(async ({ ctx, input }) => {
        const { revoked, tokens } = await revokeSessions(ctx.services.db, ctx.userId, input);
        for (const token of tokens) ctx.services.sessions.forget(token);
        return { revoked };
      }),
  }),
});

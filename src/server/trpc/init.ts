import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { isForeignBrowserRequest } from "../csrf";
import type { Context } from "./context";
import { errorData, toTRPCError } from "./errors";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data;
    const extra = errorData(error.cause);
    const message = extra.fieldErrors
      ? `invalid input: ${Object.entries(extra.fieldErrors).map(([field, messages]) => `${field}: ${messages.join(", ")}`).join("; ")}`
      : shape.message;
    return { ...shape, message, data: { ...data, ...extra } };
  },
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 25_000 },
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  // Anything that is not already a deliberate tRPC error arrives as
  // INTERNAL_SERVER_ERROR wrapping what was thrown; map that cause.
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR" && result.error.cause) {
    throw toTRPCError(result.error.cause);
  }
  return result;
});

/** Queries never change state; mutations must come from the app's own origin (see csrf.ts). */
const sameOriginMutations = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && isForeignBrowserRequest(ctx.origin, ctx.fetchSite, ctx.services.origins)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "cross-origin mutation refused" });
  }
  return next();
});

export const publicProcedure = t.procedure.use(mapErrors).use(sameOriginMutations);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
  return next({ ctx: { ...ctx, userId: ctx.userId } });
});

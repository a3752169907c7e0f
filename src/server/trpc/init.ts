import { initTRPC, TRPCError } from "@trpc/server";
import { getAccount } from "@/domain/account/data";
import superjson from "superjson";
import { ValidationError } from "@/domain/errors";
import { isForeignBrowserRequest } from "../csrf";
import type { Context } from "./context";
import { clip, ERROR_OUTPUT_LIMITS, errorData, publicInternalMessage, toTRPCError } from "./errors";
import { inputProblems } from "./input-guard";

const MESSAGE_CHARS = 500;

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data;
    // Whatever went wrong unexpectedly stays in the server log, under this ref.
    if (error.code === "INTERNAL_SERVER_ERROR") return { ...shape, message: publicInternalMessage(error), data };
    const extra = errorData(error.cause);
    // Unreadable input (bad JSON or transformer meta) is bad input too: same shape for clients.
    if (error.code === "BAD_REQUEST" && !extra.fieldErrors) extra.fieldErrors = { "(input)": [clip(shape.message, ERROR_OUTPUT_LIMITS.messageChars)] };
    const message = extra.fieldErrors
      ? `invalid input: ${Object.entries(extra.fieldErrors).map(([field, messages]) => `${field}: ${messages.join(", ")}`).join("; ")}`
      : shape.message;
    return { ...shape, message: clip(message, MESSAGE_CHARS), data: { ...data, ...extra } };
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
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") throw toTRPCError(result.error.cause ?? result.error);
  return result;
});

/** Before any schema, for every procedure: the raw input is well-formed text of sane size and depth (input-guard.ts). */
const guardInput = t.middleware(async ({ getRawInput, next }) => {
  const problems = inputProblems(await getRawInput());
  if (problems) throw new ValidationError("invalid input", problems);
  return next();
});

/** Queries never change state; mutations must come from the app's own origin (see csrf.ts). */
const sameOriginMutations = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && isForeignBrowserRequest(ctx.origin, ctx.fetchSite, ctx.services.origins)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "cross-origin mutation refused" });
  }
  return next();
});

export const publicProcedure = t.procedure.use(mapErrors).use(sameOriginMutations).use(guardInput);

/**
 * Signed in, and the credential's scopes allow the call: queries and the stream
 * need `read`, mutations `write` (a browser session has both).
 */
export const authedProcedure = publicProcedure.use(({ ctx, type, next }) => {
  const principal = ctx.principal;
  if (!principal || !ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
  const needed = type === "mutation" ? "write" : "read";
  if (!principal.scopes.has(needed)) throw new TRPCError({ code: "FORBIDDEN", message: `this API token lacks the "${needed}" scope` });
  return next({ ctx: { ...ctx, userId: principal.userId, principal } });
});

/** Account security (tokens, sessions) is managed from a signed-in session, never with an API token. */
export const sessionProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.principal.via !== "session") throw new TRPCError({ code: "FORBIDDEN", message: "manage tokens and sessions from a signed-in session, not an API token" });
  return next();
});

/**
 * Price ingestion: only accounts with the feed role (VO_FEED_ACCOUNTS), and an API
 * token needs the `ingest` scope too — no trader can inject a price that fires
 * another trader's alert.
 */
export const feedProcedure = authedProcedure.use(async ({ ctx, next }) => {
  if (ctx.principal.via === "token" && !ctx.principal.scopes.has("ingest")) {
    throw new TRPCError({ code: "FORBIDDEN", message: 'this API token lacks the "ingest" scope' });
  }
  const { email } = await getAccount(ctx.services.db, ctx.userId, ctx.services.identities);
  if (!ctx.services.feedAccounts.has(email.toLowerCase())) {
    throw new TRPCError({ code: "FORBIDDEN", message: "only feed accounts may ingest prices" });
  }
  return next();
});

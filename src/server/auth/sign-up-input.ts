import { APIError, createAuthMiddleware, type AuthMiddleware } from "better-auth/api";
import { isWellFormedText } from "@/domain/validation";

/**
 * Better Auth validates sign-up's name and email only as strings (a 1 MB name
 * was stored; a NUL or an unpaired surrogate became a 500 from the database).
 * These bounds apply to every auth request body that carries such a field
 * (sign-up, sign-in, update-user, …), before any hook or handler reads it.
 * Passwords are left to Better Auth (bounded there, hashed, never stored as text).
 */
export const AUTH_FIELD_MAX = { name: 100, email: 254, newEmail: 254, image: 2048, callbackURL: 2048 } as const;

/** Field → problems with an auth request body, or null. */
export function authInputProblems(body: unknown): Record<string, string[]> | null {
  if (typeof body !== "object" || body === null) return null;
  const problems: Record<string, string[]> = {};
  for (const [field, max] of Object.entries(AUTH_FIELD_MAX)) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value !== "string") continue;
    if (value.length > max) problems[field] = [`at most ${max} characters`];
    else if (!isWellFormedText(value)) problems[field] = ["not well-formed text (unpaired surrogate or NUL character)"];
  }
  return Object.keys(problems).length > 0 ? problems : null;
}

const check = createAuthMiddleware(async (ctx) => {
  const fieldErrors = authInputProblems(ctx.body);
  if (!fieldErrors) return;
  const summary = Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join(", ")}`).join("; ");
  throw new APIError("BAD_REQUEST", { code: "INVALID_INPUT", message: `invalid input: ${summary}`, fieldErrors });
});

/**
 * A `hooks.before` that checks the input first and then runs `next` (the
 * app's other before hook) with the very same context, its result unchanged.
 */
export function checkAuthInput(next?: AuthMiddleware): AuthMiddleware {
  if (!next) return check;
  return async (input) => {
    await check(input);
    return next(input);
  };
}

/** Validators shared by several domains. */
import type { output, ZodError, ZodType } from "zod";
import { ValidationError } from "./errors";

export function isIanaTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A well-formed BCP 47 language tag (e.g. en-GB, de, zh-Hant-TW). */
export function isBcp47Locale(tag: string): boolean {
  if (tag.length === 0 || tag.length > 35) return false;
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

const currencies = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 currency code this runtime knows (e.g. USD, EUR, JPY). */
export function isIso4217Currency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && currencies.has(code);
}

/** Zod issues as field path → messages; issues without a path go under `root`. */
export function zodFieldErrors(error: ZodError, root = "(input)"): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) (fieldErrors[issue.path.join(".") || root] ??= []).push(issue.message);
  return fieldErrors;
}

/** Parses domain input; zod issues become a ValidationError naming each field. */
export function parseInput<S extends ZodType>(schema: S, input: unknown, message: string, root?: string): output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ValidationError(message, zodFieldErrors(parsed.error, root));
}

/** Validators shared by several domains. */
import { z, type output, type ZodError, type ZodType } from "zod";
import { ValidationError } from "./errors";

/** The largest value of an `Int` column (32-bit on PostgreSQL). */
export const INT32_MAX = 2_147_483_647;

/** A version, sequence number or other integer the database compares with an `Int` column. */
export const columnIntSchema = (min: number) => z.number().int().min(min).max(INT32_MAX, `at most ${INT32_MAX}`);

// An unpaired UTF-16 surrogate (no UTF-8 form) or NUL (PostgreSQL text cannot hold it).
const ILL_FORMED_TEXT = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/;

/** Text every database can store as UTF-8: no unpaired surrogates, no NUL. */
export function isWellFormedText(text: string): boolean {
  return !ILL_FORMED_TEXT.test(text);
}

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

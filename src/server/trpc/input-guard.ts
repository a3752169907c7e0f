import { isWellFormedText } from "@/domain/validation";

/**
 * Bounds every procedure's raw input must keep before any schema or the
 * database sees it; far above what any field needs, so a schema can only be
 * stricter. Checked by `inputProblems` in the root middleware (init.ts).
 */
export const INPUT_LIMITS = {
  /** Levels of objects/arrays inside each other. */
  depth: 16,
  /** Keys of one object, or items of one array. */
  entries: 1_000,
  /** Values in the whole input. */
  values: 10_000,
  /** Characters of one string (or key). */
  stringChars: 65_536,
  /** Characters of all strings and keys together. */
  totalChars: 1_048_576,
} as const;

const ROOT = "(input)";
const BAD_TEXT = "not well-formed text (unpaired surrogate or NUL character)";

interface Pending {
  value: unknown;
  path: string[];
}

/**
 * Field path → problems with the raw input (ill-formed text, out-of-bounds
 * size or nesting, values JSON cannot carry), or null when there are none.
 * Iterative: a hostile depth cannot overflow the stack.
 */
export function inputProblems(input: unknown): Record<string, string[]> | null {
  const problems: Record<string, string[]> = {};
  const add = (path: string[], message: string) => (problems[fieldName(path)] ??= []).push(message);
  const pending: Pending[] = [{ value: input, path: [] }];
  let values = 0;
  let chars = 0;
  const text = (value: string, path: string[]): void => {
    chars += value.length;
    if (value.length > INPUT_LIMITS.stringChars) add(path, `too long (at most ${INPUT_LIMITS.stringChars} characters)`);
    else if (!isWellFormedText(value)) add(path, BAD_TEXT);
  };

  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (++values > INPUT_LIMITS.values) return { [ROOT]: [`too large (more than ${INPUT_LIMITS.values} values)`] };
    if (typeof value === "string") text(value, path);
    else if (typeof value === "number") {
      if (!Number.isFinite(value)) add(path, "not a finite number");
    } else if (typeof value === "bigint") {
      if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) add(path, "out of range (64-bit)");
    } else if (value === null || value === undefined || typeof value === "boolean") {
      // fine as is
    } else if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) add(path, "not a valid date");
    } else if (Array.isArray(value) || isPlainObject(value)) {
      const keys = Object.keys(value);
      if (path.length >= INPUT_LIMITS.depth) add(path, `nested too deeply (at most ${INPUT_LIMITS.depth} levels)`);
      else if (keys.length > INPUT_LIMITS.entries) add(path, `too many entries (at most ${INPUT_LIMITS.entries})`);
      else {
        for (const key of keys) {
          const at = [...path, key];
          if (!Array.isArray(value)) text(key, at);
          pending.push({ value: (value as Record<string, unknown>)[key], path: at });
        }
      }
    } else add(path, "unsupported value");
    if (chars > INPUT_LIMITS.totalChars) return { [ROOT]: [`too large (more than ${INPUT_LIMITS.totalChars} characters of text)`] };
  }
  return Object.keys(problems).length > 0 ? problems : null;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The dotted path as zod names fields; a key that is itself bad text is shown with U+FFFD (names are clipped on output). */
function fieldName(path: string[]): string {
  if (path.length === 0) return ROOT;
  return path.map((key) => (isWellFormedText(key) ? key : key.replace(/[\uD800-\uDFFF\u0000]/g, "\uFFFD"))).join(".");
}

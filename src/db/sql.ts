/**
 * Hand-written SQL for the hot paths (docs/decisions/0013): the write primitive's
 * own statements, settings, receipts. A Prisma 6.19 query costs ~0.3–1 ms of CPU in
 * the client (its WebAssembly compiler plans every query anew); these statements
 * are prepared once per connection and cost a few microseconds plus the database's
 * own work. Everything else keeps using Prisma.
 *
 * One text serves both databases: double-quoted identifiers, `?` placeholders
 * (numbered for PostgreSQL here), `RETURNING`, `ON CONFLICT`. Values go in as
 * strings, numbers, booleans, null or Dates, stored as Prisma stores them (so Prisma
 * reads them back unchanged); rows come back as plain objects. A DateTime column
 * comes back as a Date on PostgreSQL and as ISO text on SQLite: read it with
 * `new Date(value)`.
 */
import type { DatabaseProvider } from "./client";

export type SqlValue = string | number | boolean | null | Date;

export interface Sql {
  readonly provider: DatabaseProvider;
  /** The rows of a query, or of a write with RETURNING. */
  all<Row extends object>(text: string, ...params: SqlValue[]): Promise<Row[]>;
  /** A write; resolves to the number of rows it changed. */
  run(text: string, ...params: SqlValue[]): Promise<number>;
}

/** Prisma's SQLite DateTime text: ISO 8601 with an explicit "+00:00". */
export function sqliteDateText(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** Parameters as better-sqlite3 binds them: booleans as 0/1, Dates as Prisma's text. */
export function sqliteParams(params: SqlValue[]): Array<string | number | null> {
  return params.map((p) => (p instanceof Date ? sqliteDateText(p) : typeof p === "boolean" ? (p ? 1 : 0) : p));
}

/** Parameters as `pg` sends them: Dates as ISO text (UTC), the rest unchanged. */
export function postgresParams(params: SqlValue[]): Array<string | number | boolean | null> {
  return params.map((p) => (p instanceof Date ? p.toISOString() : p));
}

const numbered = new Map<string, { name?: string; text: string }>();

/** `?` → `$1, $2, …`, and a stable name under which `pg` prepares the statement once per connection. */
export function postgresStatement(text: string): { name?: string; text: string } {
  let statement = numbered.get(text);
  if (!statement) {
    let n = 0;
    statement = { name: `vo_${numbered.size}`, text: text.replace(/\?/g, () => `$${++n}`) };
    if (numbered.size < 1_000) numbered.set(text, statement);
    else statement = { text: statement.text }; // a flood of distinct texts: unnamed, not kept
  }
  return statement;
}

/** A unique-key refusal, from Prisma (P2002), PostgreSQL (23505) or SQLite, whichever layer ran the statement. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "P2002" || code === "23505" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

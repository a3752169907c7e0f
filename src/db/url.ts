import path from "node:path";

/** The provider is chosen by the URL scheme alone; anything not PostgreSQL is an SQLite file. */
export function databaseProvider(url: string): "sqlite" | "postgresql" {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgresql" : "sqlite";
}

/**
 * `file:./data/x.db`, `file:/abs/x.db`, `file:///abs/x.db` or a plain path →
 * an absolute file path (relative paths are taken from process.cwd(), as
 * better-sqlite3 does, not from the schema folder as Prisma's classic engine did).
 * `:memory:` stays as is.
 */
export function sqliteFilePath(url: string): string {
  let p = url.replace(/^file:(\/\/(?=\/))?/i, "");
  p = p.replace(/\?.*$/, ""); // Prisma-style options such as ?connection_limit=1
  if (p === "") throw new Error(`No SQLite file in database URL "${url}"`);
  if (p === ":memory:") return p;
  return path.resolve(process.cwd(), p);
}

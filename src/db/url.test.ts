import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseProvider, sqliteFilePath } from "./url";

describe("database URL helpers", () => {
  it("picks the provider from the scheme", () => {
    expect(databaseProvider("postgresql://u@h/db")).toBe("postgresql");
    expect(databaseProvider("postgres://u@h/db")).toBe("postgresql");
    expect(databaseProvider("file:./data/virtual-office.db")).toBe("sqlite");
    expect(databaseProvider("./x.db")).toBe("sqlite");
  });

  it("turns SQLite URLs into absolute paths", () => {
    expect(sqliteFilePath("file:./data/x.db")).toBe(path.join(process.cwd(), "data", "x.db"));
    expect(sqliteFilePath("file:/tmp/x.db")).toBe("/tmp/x.db");
    expect(sqliteFilePath("file:///tmp/x.db")).toBe("/tmp/x.db");
    expect(sqliteFilePath("/tmp/x.db?connection_limit=1")).toBe("/tmp/x.db");
    expect(sqliteFilePath(":memory:")).toBe(":memory:");
  });
});

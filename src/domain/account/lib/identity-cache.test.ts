import { describe, expect, it } from "vitest";
import type { AccountView } from "../schema";
import { IdentityCache } from "./identity-cache";

const identity = (id: string): AccountView => ({ id, name: `name of ${id}`, email: `${id}@example.test`, createdAt: new Date(0) });

describe("IdentityCache", () => {
  it("reads each user once, keeps no failed read, and drops the oldest beyond its bound", async () => {
    const reads: string[] = [];
    const load = async (id: string) => {
      reads.push(id);
      if (id === "gone") throw new Error("account not found");
      return identity(id);
    };
    const cache = new IdentityCache(2);
    expect(await cache.get("a", load)).toEqual(identity("a"));
    expect(await cache.get("a", load)).toEqual(identity("a"));
    await expect(cache.get("gone", load)).rejects.toThrow("account not found");
    await expect(cache.get("gone", load)).rejects.toThrow("account not found");
    await cache.get("b", load);
    await cache.get("c", load); // evicts "a"
    await cache.get("a", load);
    expect(reads).toEqual(["a", "gone", "gone", "b", "c", "a"]);
    expect(Object.isFrozen(await cache.get("a", load))).toBe(true);
  });
});

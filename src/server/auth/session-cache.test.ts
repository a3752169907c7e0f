import { describe, expect, it } from "vitest";
import { SessionCache } from "./session-cache";

describe("SessionCache", () => {
  const far = new Date(Date.now() + 3_600_000);

  it("answers within the TTL and forgets after it", () => {
    const cache = new SessionCache(5_000);
    cache.set("Bearer a", "user-1", "tok-a", far, 1_000);
    expect(cache.get("Bearer a", 5_999)).toBe("user-1");
    expect(cache.get("Bearer a", 6_000)).toBeNull();
  });

  it("never outlives the session itself", () => {
    const cache = new SessionCache(60_000);
    cache.set("Bearer a", "user-1", "tok-a", new Date(2_000), 1_000);
    expect(cache.get("Bearer a", 1_999)).toBe("user-1");
    expect(cache.get("Bearer a", 2_000)).toBeNull();
  });

  it("forget drops every credential of the session", () => {
    const cache = new SessionCache(5_000);
    cache.set("Bearer a", "user-1", "tok-a", far);
    cache.set("cookie=a", "user-1", "tok-a", far);
    cache.set("Bearer b", "user-2", "tok-b", far);
    cache.forget("tok-a");
    expect(cache.get("Bearer a")).toBeNull();
    expect(cache.get("cookie=a")).toBeNull();
    expect(cache.get("Bearer b")).toBe("user-2");
  });

  it("is bounded and disabled by a zero TTL", () => {
    const bounded = new SessionCache(5_000, 2);
    for (const key of ["a", "b", "c"]) bounded.set(key, key, key, far);
    expect([bounded.get("a"), bounded.get("b"), bounded.get("c")]).toEqual([null, "b", "c"]);
    const off = new SessionCache(0);
    off.set("a", "a", "a", far);
    expect(off.get("a")).toBeNull();
  });
});

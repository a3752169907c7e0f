import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { credentialOf, sessionHeaders, sessionTokenOf } from "./credentials";

const headers = (init: Record<string, string>) => new Headers(init);

describe("credentialOf", () => {
  it("takes a bearer alone, ignores other schemes, and keys caches by the credential itself", () => {
    const cookie = "better-auth.session_token=tok.sig";
    expect(credentialOf(headers({ authorization: "Basic dXNlcjpwYXNz", cookie }))).toMatchObject({ kind: "sessionCookie", value: "tok.sig", key: `cookie:${cookie}` });
    expect(credentialOf(headers({ authorization: "Bearer garbage.sig", cookie }))).toMatchObject({ kind: "sessionBearer", token: "garbage.sig" });
    expect(credentialOf(headers({ authorization: "Bearer vo_abc", cookie }))).toMatchObject({ kind: "apiToken", secret: "vo_abc" });
    expect(credentialOf(headers({ authorization: "Bearer ", cookie }))).toBeNull();
    expect(credentialOf(headers({ authorization: "Bearer a b", cookie }))).toBeNull();
    expect(credentialOf(headers({ cookie: "theme=dark" }))).toBeNull();
    expect(credentialOf(headers({}))).toBeNull();
  });

  it("never yields the same cache key for credentials that name different sessions (property)", () => {
    const token = fc.stringMatching(/^[A-Za-z0-9]{1,20}(\.[A-Za-z0-9%]{1,10})?$/);
    const authorization = fc.oneof(fc.constant(undefined), fc.constant("Basic dXNlcjpwYXNz"), token.map((t) => `Bearer ${t}`), fc.string({ maxLength: 30 }));
    const cookie = fc.oneof(fc.constant(undefined), token.map((t) => `better-auth.session_token=${t}`), token.map((t) => `x=1; better-auth.session_token=${t}; y=2`));
    fc.assert(
      fc.property(authorization, cookie, authorization, cookie, (a1, c1, a2, c2) => {
        const build = (a?: string, c?: string) => {
          const h = new Headers();
          try {
            if (a !== undefined) h.set("authorization", a);
          } catch {
            return null; // not a legal header value
          }
          if (c !== undefined) h.set("cookie", c);
          return credentialOf(h);
        };
        const first = build(a1, c1);
        const second = build(a2, c2);
        if (!first || !second || first.key !== second.key) return;
        // Same key ⇒ Better Auth is shown the very same credential ⇒ the same session.
        if (first.kind === "apiToken" || second.kind === "apiToken") return expect(first).toEqual(second);
        expect(sessionHeaders(first)).toEqual(sessionHeaders(second));
        expect(sessionTokenOf(first)).toBe(sessionTokenOf(second));
      }),
      { numRuns: 2000 },
    );
  });

  it("reads the session token out of signed and URL-encoded values", () => {
    expect(sessionTokenOf({ kind: "sessionCookie", name: "better-auth.session_token", value: "abc.s%2Fig", key: "" })).toBe("abc");
    expect(sessionTokenOf({ kind: "sessionBearer", token: "abc", key: "" })).toBe("abc");
  });
});

import { describe, expect, it } from "vitest";
import { apiKeyHint, createApiKeyCipher } from "./api-key-cipher";

describe("api key cipher", () => {
  const cipher = createApiKeyCipher("unit-test-secret-0123456789");
  const context = { userId: "u1", providerId: "p1" };

  it("round-trips, uses a fresh IV each time and never contains the plaintext", () => {
    const one = cipher.encrypt("sk-live-secret-value", context);
    const two = cipher.encrypt("sk-live-secret-value", context);
    expect(one).not.toEqual(two);
    expect(one).not.toContain("secret");
    expect(one).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(cipher.decrypt(one, context)).toBe("sk-live-secret-value");
  });

  it("hints at most the last four characters, and at most half of a short key", () => {
    expect(apiKeyHint("sk-abcdefgh1234")).toBe("…1234");
    expect(apiKeyHint("abcdefgh")).toBe("…efgh");
    expect(apiKeyHint("abc123")).toBe("…123");
    expect(apiKeyHint("x")).toBe("…");
  });

  it("refuses a tampered ciphertext, another row's context and another secret", () => {
    const stored = cipher.encrypt("sk-live-secret-value", context);
    const [v, iv, tag, body] = stored.split(".");
    const flipped = Buffer.from(body!, "base64url");
    flipped[0]! ^= 1;
    expect(() => cipher.decrypt([v, iv, tag, flipped.toString("base64url")].join("."), context)).toThrow();
    expect(() => cipher.decrypt(stored, { userId: "u1", providerId: "p2" })).toThrow();
    expect(() => createApiKeyCipher("another-secret-0123456789").decrypt(stored, context)).toThrow();
  });
});

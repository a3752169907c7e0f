import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for provider API keys. The 256-bit key is derived (HKDF-SHA256)
 * from a server secret that never lives in the database: VO_PROVIDER_KEY or the
 * secret file (src/server/secrets.ts). The additional authenticated data binds
 * a ciphertext to its user and provider, so a ciphertext copied onto another
 * row does not decrypt. Stored form: v1.<iv>.<tag>.<ciphertext> (base64url).
 */
export interface ApiKeyCipher {
  encrypt(plaintext: string, context: ApiKeyContext): string;
  decrypt(stored: string, context: ApiKeyContext): string;
}

export interface ApiKeyContext {
  userId: string;
  providerId: string;
}

const FORMAT = "v1";
const aad = ({ userId, providerId }: ApiKeyContext) => Buffer.from(`vo-provider-key:${userId}:${providerId}`);

export function createApiKeyCipher(secret: string): ApiKeyCipher {
  if (secret.length < 16) throw new Error("the provider key secret must be at least 16 characters");
  const key = Buffer.from(hkdfSync("sha256", secret, "virtual-office", "provider-api-keys/v1", 32));
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(aad(context));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [FORMAT, iv, cipher.getAuthTag(), body].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
    },
    decrypt(stored, context) {
      const [format, iv, tag, body] = stored.split(".");
      if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error("unrecognised API key ciphertext");
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(aad(context));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    },
  };
}

/** The only part of a key that leaves the server: its last four characters, fewer for a key under eight. */
export function apiKeyHint(apiKey: string): string {
  const shown = Math.min(4, Math.floor(apiKey.length / 2));
  return shown === 0 ? "…" : `…${apiKey.slice(-shown)}`;
}

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for provider API keys. The 256-bit key is derived (HKDF-SHA256)
 * from a server secret that never lives in the database: VO_PROVIDER_KEY or the
 * secret file (src/config/secrets.ts). The additional authenticated data binds
 * a ciphertext to its user and provider, so a ciphertext copied onto another
 * row does not decrypt. Stored form: v1.<iv>.<tag>.<ciphertext> (base64url).
 */
export interface ApiKeyCipher {
  /** Always under the current secret. */
  encrypt(plaintext: string, context: ApiKeyContext): string;
  /** Under the current secret or, during a rotation, a previous one. */
  decrypt(stored: string, context: ApiKeyContext): string;
  /** The ciphertext re-encrypted under the current secret, or null if it already is. Throws if no secret opens it. */
  reencrypt(stored: string, context: ApiKeyContext): string | null;
  /** True when previous secrets are configured (a rotation is in progress). */
  readonly rotating: boolean;
}

export interface ApiKeyContext {
  userId: string;
  providerId: string;
}

const FORMAT = "v1";
const aad = ({ userId, providerId }: ApiKeyContext) => Buffer.from(`vo-provider-key:${userId}:${providerId}`);

const deriveKey = (secret: string) => {
  if (secret.length < 16) throw new Error("a provider key secret must be at least 16 characters");
  return Buffer.from(hkdfSync("sha256", secret, "virtual-office", "provider-api-keys/v1", 32));
};

function seal(key: Buffer, plaintext: string, context: ApiKeyContext): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [FORMAT, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

function open(key: Buffer, stored: string, context: ApiKeyContext): string {
  const [format, iv, tag, body] = stored.split(".");
  if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error("unrecognised API key ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(aad(context));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

/**
 * `previousSecrets` (VO_PROVIDER_KEY_PREVIOUS) still decrypt during a rotation;
 * the provider-key-rotation job (src/worker/jobs/kinds/provider-key-rotation.ts) re-encrypts stored keys under the current secret.
 */
export function createApiKeyCipher(secret: string, previousSecrets: readonly string[] = []): ApiKeyCipher {
  const key = deriveKey(secret);
  const previousKeys = previousSecrets.map(deriveKey);
  const openWithPrevious = (stored: string, context: ApiKeyContext): string => {
    for (const previous of previousKeys) {
      try {
        return open(previous, stored, context);
      } catch {
        // the GCM tag says "not this secret"; try the next
      }
    }
    throw new Error("no configured secret decrypts this API key");
  };
  return {
    rotating: previousKeys.length > 0,
    encrypt: (plaintext, context) => seal(key, plaintext, context),
    decrypt(stored, context) {
      try {
        return open(key, stored, context);
      } catch (error) {
        if (previousKeys.length === 0) throw error;
        return openWithPrevious(stored, context);
      }
    },
    reencrypt(stored, context) {
      try {
        open(key, stored, context);
        return null;
      } catch {
        return seal(key, openWithPrevious(stored, context), context);
      }
    },
  };
}

/** The only part of a key that leaves the server: its last four characters, fewer for a key under eight. */
export function apiKeyHint(apiKey: string): string {
  const shown = Math.min(4, Math.floor(apiKey.length / 2));
  return shown === 0 ? "…" : `…${apiKey.slice(-shown)}`;
}

import { rotateProviderKeys } from "@/domain/providers/mutations";
import type { ApiKeyCipher } from "@/domain/providers/lib/api-key-cipher";
import type { Database } from "@/db/client";
import type { Worker } from "./index";
import { startPeriodic } from "./periodic";

const HOUR = 60 * 60 * 1000;

/**
 * While previous provider-key secrets are configured (VO_PROVIDER_KEY_PREVIOUS),
 * re-encrypts stored API keys under the current one: shortly after start, then
 * hourly. Every process may run it; each row's update is conditional.
 */
export function startKeyRotation(db: Database, cipher: ApiKeyCipher, intervalMs = HOUR): () => void {
  if (!cipher.rotating) return () => {};
  return startPeriodic(
    "key-rotation",
    async () => {
      const report = await rotateProviderKeys(db, cipher);
      const unreadable = report.unreadable.length > 0 ? `, ${report.unreadable.length} unreadable under every configured secret` : "";
      console.log(`[key-rotation] ${report.rotated} of ${report.checked} provider keys re-encrypted${unreadable}`);
    },
    2_000,
    intervalMs,
  );
}

export const keyRotationWorker: Worker = { name: "key-rotation", start: ({ db, apiKeys }) => startKeyRotation(db, apiKeys) };

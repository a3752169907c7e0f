import { rotateProviderKeys } from "@/domain/providers/mutations";
import type { JobHandler } from "../handler";

/**
 * While previous provider-key secrets are configured (VO_PROVIDER_KEY_PREVIOUS),
 * re-encrypts stored API keys under the current one. A process started
 * without previous secrets has nothing to rotate with and says so.
 */
export const providerKeyRotation: JobHandler<Record<string, never>> = async ({ db, apiKeys }) => {
  if (!apiKeys.rotating) return { rotating: false };
  const report = await rotateProviderKeys(db, apiKeys);
  const unreadable = report.unreadable.length > 0 ? `, ${report.unreadable.length} unreadable under every configured secret` : "";
  console.log(`[key-rotation] ${report.rotated} of ${report.checked} provider keys re-encrypted${unreadable}`);
  return { rotating: true, checked: report.checked, rotated: report.rotated, skipped: report.skipped, unreadable: report.unreadable.length };
};

import { z } from "zod";

/** Entries per list in one digest; the counts still cover everything. */
export const DIGEST_LIST_MAX = 50;

/**
 * What a `digest` job delivers (the `digest.delivered` event): the owner's
 * changes in [from, to) — settings changed, provider switches, profile edits.
 */
export const digestSchema = z.strictObject({
  jobId: z.string(),
  runId: z.string(),
  from: z.date(),
  to: z.date(),
  /** Events summarized. */
  changes: z.number().int(),
  settings: z.array(z.strictObject({ key: z.string(), changes: z.number().int() })),
  providerSwitches: z.array(z.strictObject({ providerId: z.string(), name: z.string(), at: z.date() })),
  providerChanges: z.strictObject({ added: z.number().int(), updated: z.number().int(), deleted: z.number().int() }),
  profile: z.array(z.strictObject({ field: z.string(), changes: z.number().int() })),
});
export type Digest = z.output<typeof digestSchema>;

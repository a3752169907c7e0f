import { z } from "zod";
import { requestIdSchema } from "../receipts/schema";
import { columnIntSchema } from "../validation";

export const NAME_MAX = 80;
export const MODEL_MAX = 200;
export const API_KEY_MAX = 512;
export const BASE_URL_MAX = 2048;

const providerId = z.string().min(1, "required").max(64, "not a provider id");
const name = z.string().trim().min(1, "must not be empty").max(NAME_MAX, `at most ${NAME_MAX} characters`);
const model = z.string().trim().min(1, "must not be empty").max(MODEL_MAX, `at most ${MODEL_MAX} characters`);

// Error messages never echo the key: they may be logged or shown.
const apiKey = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(API_KEY_MAX, `at most ${API_KEY_MAX} characters`)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

/** http(s) only, no credentials in the URL (they would leave the server in outputs). */
const baseUrl = z
  .string()
  .trim()
  .max(BASE_URL_MAX, `at most ${BASE_URL_MAX} characters`)
  .superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "not a URL (e.g. https://api.example.com/v1)" });
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") ctx.addIssue({ code: "custom", message: "must be http:// or https://" });
    if (url.username || url.password) ctx.addIssue({ code: "custom", message: "must not contain credentials; use the API key field" });
  });

export const addProviderInput = z.strictObject({
  name,
  model,
  apiKey,
  baseUrl: baseUrl.nullish(),
  activate: z.boolean().optional(),
  requestId: requestIdSchema.optional(),
});

export const updateProviderInput = z
  .strictObject({
    id: providerId,
    name: name.optional(),
    model: model.optional(),
    /** Omit to keep the stored key. */
    apiKey: apiKey.optional(),
    /** null clears it. */
    baseUrl: baseUrl.nullish(),
    expectedVersion: columnIntSchema(1).optional(),
    requestId: requestIdSchema.optional(),
  })
  .refine(
    (input) => [input.name, input.model, input.apiKey, input.baseUrl].some((value) => value !== undefined),
    "name at least one field to change (name, model, apiKey, baseUrl)",
  );

export const providerIdInput = z.strictObject({
  id: providerId,
  requestId: requestIdSchema.optional(),
});

export const deleteProviderInput = z.strictObject({
  id: providerId,
  expectedVersion: columnIntSchema(1).optional(),
  requestId: requestIdSchema.optional(),
});

export type AddProviderInput = z.input<typeof addProviderInput>;
export type UpdateProviderInput = z.input<typeof updateProviderInput>;
export type ProviderIdInput = z.input<typeof providerIdInput>;
export type DeleteProviderInput = z.input<typeof deleteProviderInput>;

/**
 * What leaves the server. The procedures' output schema is strict, so a field
 * that is not listed here (the ciphertext, anything added later) fails the
 * response instead of leaking.
 */
export const providerViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  model: z.string(),
  baseUrl: z.string().nullable(),
  /** "…" and the key's last four characters. */
  apiKeyHint: z.string().max(5),
  isActive: z.boolean(),
  version: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ProviderView = z.output<typeof providerViewSchema>;

/** The list plus the per-user event sequence it reflects, read in one snapshot (for live clients). */
export const providerSnapshotSchema = z.strictObject({
  seq: z.number().int(),
  providers: z.array(providerViewSchema),
});
export type ProviderSnapshot = z.output<typeof providerSnapshotSchema>;

export const providerChanges = ["added", "updated", "activated", "deleted"] as const;

/** Payload of every provider event: the change, the provider, the one a delete promoted (if any), and the whole list after it. */
export const providerEventPayloadSchema = z.object({
  change: z.enum(providerChanges),
  provider: providerViewSchema,
  promoted: providerViewSchema.nullable(),
  providers: z.array(providerViewSchema),
});
export type ProviderEventPayload = z.output<typeof providerEventPayloadSchema>;

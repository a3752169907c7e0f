import { z } from "zod";
import { requestIdSchema } from "../receipts/schema";
import { isBcp47Locale, isIanaTimeZone, isIso4217Currency } from "../validation";

export const BIO_MAX = 1000;
export const EXPERIENCE_LEVELS = ["beginner", "intermediate", "advanced", "professional"] as const;

/** Each profile field's schema. Every field is optional: null clears it. */
export const profileFieldSchemas = {
  displayName: z.string().trim().min(1, "must not be empty").max(80, "at most 80 characters"),
  email: z.string().trim().max(254).pipe(z.email("not an email address")),
  phone: z.string().regex(/^\+[1-9]\d{1,14}$/, "an E.164 number: + and up to 15 digits, e.g. +14155550100"),
  timezone: z.string().max(64).refine(isIanaTimeZone, "not an IANA time zone (e.g. Europe/London)"),
  locale: z.string().max(35).refine(isBcp47Locale, "not a BCP 47 language tag (e.g. en-GB)"),
  baseCurrency: z.string().max(3).refine(isIso4217Currency, "not an ISO 4217 currency code (e.g. USD)"),
  bio: z.string().max(BIO_MAX, `at most ${BIO_MAX} characters`),
  experience: z.enum(EXPERIENCE_LEVELS),
} as const;

export type ProfileField = keyof typeof profileFieldSchemas;
export const PROFILE_FIELDS = Object.keys(profileFieldSchemas) as ProfileField[];
export type ProfileValues = { [F in ProfileField]: z.output<(typeof profileFieldSchemas)[F]> | null };

const nullable = <F extends ProfileField>(field: F) => profileFieldSchemas[field].nullable().optional();

/** JSON merge patch: a named field is set (or cleared with null); absent fields are untouched. */
export const profilePatchSchema = z
  .strictObject({
    displayName: nullable("displayName"),
    email: nullable("email"),
    phone: nullable("phone"),
    timezone: nullable("timezone"),
    locale: nullable("locale"),
    baseCurrency: nullable("baseCurrency"),
    bio: nullable("bio"),
    experience: nullable("experience"),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), "name at least one field to change");

/** The values the client started from; compared as stored, so no validation beyond type. */
export const profileBaseSchema = z.partialRecord(z.enum(PROFILE_FIELDS as [ProfileField, ...ProfileField[]]), z.string().max(4 * BIO_MAX).nullable());

export const updateProfileInput = z.object({
  patch: profilePatchSchema,
  base: profileBaseSchema.optional(),
  requestId: requestIdSchema.optional(),
});
export type UpdateProfileInput = z.input<typeof updateProfileInput>;
export type ProfilePatch = z.output<typeof profilePatchSchema>;

const perField = <T extends z.ZodType>(schema: T) => Object.fromEntries(PROFILE_FIELDS.map((field) => [field, schema])) as { [F in ProfileField]: T };

/** The profile as reads, writes and `profile.updated` events carry it (router output, browser parsing). */
export const profileViewSchema = z.object({
  ...perField(z.string().nullable()),
  experience: z.enum(EXPERIENCE_LEVELS).nullable(),
  version: z.number().int().min(0),
  changedAt: z.object(perField(z.coerce.date().nullable())),
  updatedAt: z.coerce.date().nullable(),
});

export const profileFieldSchema = z.enum(PROFILE_FIELDS as [ProfileField, ...ProfileField[]]);

/** Payload of `profile.updated`: the profile after the write and the fields it changed. */
export const profileEventPayloadSchema = z.object({ profile: profileViewSchema, changed: z.array(profileFieldSchema) });

export interface ProfileView extends ProfileValues {
  /** 0 until the first update. */
  version: number;
  /** When each field last changed (null: never). */
  changedAt: Record<ProfileField, Date | null>;
  updatedAt: Date | null;
}

/** CONFLICT details: each conflicting field's current value (base no longer matches). */
export interface ProfileConflict {
  fields: Partial<Record<ProfileField, string | null>>;
  current: ProfileView;
}

import { BIO_MAX, EXPERIENCE_LEVELS, type ProfileField } from "@/domain/profile/schema";

interface FieldMeta {
  label: string;
  description: string;
  placeholder?: string;
  type?: "email" | "tel";
  /** Suggestions offered while typing (a datalist). */
  suggestions?: () => string[];
  upperCase?: boolean;
}

function supported(kind: "timeZone" | "currency"): string[] {
  try {
    return Intl.supportedValuesOf(kind);
  } catch {
    return [];
  }
}

const COMMON_LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "pt-BR", "ja-JP", "zh-Hans-CN", "zh-Hant-TW", "ko-KR"];

export const EXPERIENCE_LABELS: Record<(typeof EXPERIENCE_LEVELS)[number], string> = {
  beginner: "Beginner",
  intermediate: "Intermediate",
  advanced: "Advanced",
  professional: "Professional",
};

export const profileMeta: Record<ProfileField, FieldMeta> = {
  displayName: { label: "Display name", description: "How you appear to others, 1–80 characters.", placeholder: "Ada Lovelace" },
  email: { label: "Contact email", description: "Where alerts and reports are sent.", placeholder: "you@example.com", type: "email" },
  phone: { label: "Phone", description: "E.164 format: + and country code, e.g. +14155550100.", placeholder: "+14155550100", type: "tel" },
  timezone: { label: "Time zone", description: "Your home IANA zone, e.g. Europe/London.", placeholder: "Europe/London", suggestions: () => supported("timeZone") },
  locale: { label: "Locale", description: "Language and number format as a BCP 47 tag, e.g. en-GB.", placeholder: "en-GB", suggestions: () => COMMON_LOCALES },
  baseCurrency: { label: "Base currency", description: "ISO 4217 code your P&L is reported in.", placeholder: "USD", suggestions: () => supported("currency"), upperCase: true },
  bio: { label: "Bio", description: `A few words about how you trade, up to ${BIO_MAX} characters.` },
  experience: { label: "Experience", description: "Your trading experience." },
};

/** A stored value as the trader reads it. */
export function formatValue(field: ProfileField, value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (field === "experience") return EXPERIENCE_LABELS[value as keyof typeof EXPERIENCE_LABELS] ?? value;
  return value;
}

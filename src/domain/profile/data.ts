import type { Database } from "@/db/client";
import { PROFILE_FIELDS, type ProfileField, type ProfileView } from "./schema";

export const changedAtColumn = (field: ProfileField) => `${field}ChangedAt` as const;

export const profileColumns = {
  ...Object.fromEntries(PROFILE_FIELDS.flatMap((field) => [[field, true], [changedAtColumn(field), true]])),
  version: true,
  updatedAt: true,
} as Record<string, true>;

type StoredProfile = Record<string, unknown> & { version: number; updatedAt: Date };

export function toProfileView(row: StoredProfile | null): ProfileView {
  const values = Object.fromEntries(PROFILE_FIELDS.map((field) => [field, (row?.[field] as string | null | undefined) ?? null]));
  const changedAt = Object.fromEntries(
    PROFILE_FIELDS.map((field) => [field, (row?.[changedAtColumn(field)] as Date | null | undefined) ?? null]),
  );
  return {
    ...(values as Pick<ProfileView, ProfileField>),
    changedAt: changedAt as ProfileView["changedAt"],
    version: row?.version ?? 0,
    updatedAt: row?.updatedAt ?? null,
  };
}

/** One statement: a reader sees one committed version of the whole profile. */
export async function getProfile(db: Database, userId: string): Promise<ProfileView> {
  const row = await db.prisma.profile.findUnique({ where: { userId }, select: profileColumns });
  return toProfileView(row as StoredProfile | null);
}

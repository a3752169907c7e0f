import type { Database } from "@/db/client";
import { DomainError } from "../errors";
import { writeForUser } from "../writes";
import { parseInput } from "../validation";
import { changedAtColumn, profileColumns, toProfileView } from "./data";
import {
  PROFILE_FIELDS,
  updateProfileInput,
  type ProfileConflict,
  type ProfileField,
  type ProfileView,
  type UpdateProfileInput,
} from "./schema";

/**
 * Applies a merge patch to the user's profile in ONE conditional UPDATE that
 * names only the patched columns, so concurrent patches of different fields
 * all persist. With `base`, each patched field's base value joins the WHERE
 * clause: if any no longer matches, zero rows change and the call fails with
 * CONFLICT listing those fields' current values — nothing is written.
 */
export async function updateProfile(db: Database, userId: string, input: UpdateProfileInput): Promise<ProfileView> {
  const { patch, base, requestId } = parseInput(updateProfileInput, input, "invalid profile update", "patch");
  const patched = PROFILE_FIELDS.filter((field) => patch[field] !== undefined);
  const guarded = patched.filter((field) => base !== undefined && base[field] !== undefined);

  return writeForUser(db, userId, { operation: "profile.update", requestId }, async (tx, log) => {
    // The row appears on the first update; under the user's write lock no one races this.
    const exists = await tx.profile.findUnique({ where: { userId }, select: { version: true } });
    if (!exists) await tx.profile.create({ data: { userId }, select: { version: true } });

    const now = new Date();
    const data: Record<string, unknown> = { version: { increment: 1 } };
    for (const field of patched) {
      data[field] = patch[field];
      data[changedAtColumn(field)] = now;
    }
    const preconditions = Object.fromEntries(guarded.map((field) => [field, base![field] ?? null]));
    const { count } = await tx.profile.updateMany({ where: { userId, ...preconditions }, data });
    const view = toProfileView((await tx.profile.findUnique({ where: { userId }, select: profileColumns })) as never);
    if (count !== 1) throw conflict(view, guarded, base ?? {});

    await log.append({
      type: "profile.updated",
      entity: "profile",
      entityId: userId,
      version: view.version,
      payload: { profile: view, changed: patched },
    });
    return view;
  });
}

function conflict(current: ProfileView, guarded: ProfileField[], base: Partial<Record<ProfileField, string | null>>) {
  const fields: ProfileConflict["fields"] = {};
  for (const field of guarded) if (current[field] !== (base[field] ?? null)) fields[field] = current[field];
  const names = Object.keys(fields).join(", ");
  return new DomainError<ProfileConflict>("CONFLICT", `profile changed since you loaded it: ${names}`, { fields, current });
}

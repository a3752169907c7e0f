import type { Database, Tx } from "@/db/client";
import { ConflictError, ValidationError } from "../errors";
import { writeForUser, type EventLogWriter } from "../writes";
import { toSettingView, unknownRevision } from "./data";
import {
  settingSchemas,
  type DeleteSettingInput,
  type RevertSettingInput,
  type SetSettingInput,
  type SettingKey,
  type SettingView,
} from "./schema";

type Action = "set" | "delete" | "revert";
const settingEventTypes = { set: "setting.saved", delete: "setting.deleted", revert: "setting.reverted" } as const;

interface WriteRequest {
  key: SettingKey;
  /** JSON text of the validated value, or null for "back to the default". */
  json: string | null;
  action: Action;
  expectedVersion?: number;
  requestId?: string;
}

/**
 * Stores a value. Without expectedVersion the last write in commit order wins;
 * with it, a stale version fails with CONFLICT carrying the current value.
 */
export function setSetting(db: Database, userId: string, input: SetSettingInput): Promise<SettingView> {
  const parsed = settingSchemas[input.key].safeParse(input.value);
  if (!parsed.success) {
    throw new ValidationError(`invalid value for setting "${input.key}"`, {
      value: parsed.error.issues.map((issue) => issue.message),
    });
  }
  return writeSetting(db, userId, { ...input, json: JSON.stringify(parsed.data), action: "set" });
}

/** Resets a key to its default; the row stays so versions keep increasing. */
export function deleteSetting(db: Database, userId: string, input: DeleteSettingInput): Promise<SettingView> {
  return writeSetting(db, userId, { ...input, json: null, action: "delete" });
}

/** Writes the value of an earlier version as a new version. */
export function revertSetting(db: Database, userId: string, input: RevertSettingInput): Promise<SettingView> {
  return writeSetting(db, userId, { ...input, json: null, action: "revert" }, input.toVersion);
}

function writeSetting(db: Database, userId: string, request: WriteRequest, revertTo?: number): Promise<SettingView> {
  const operation = `settings.${request.action}:${request.key}`;
  return writeForUser(db, userId, { operation, requestId: request.requestId }, async (tx, log) => {
    const json = revertTo === undefined ? request.json : await revisionValue(tx, userId, request.key, revertTo);
    return writeVersioned(tx, log, userId, { ...request, json });
  });
}

async function revisionValue(tx: Tx, userId: string, key: SettingKey, version: number): Promise<string | null> {
  const revision = await tx.settingRevision.findUnique({
    where: { userId_key_version: { userId, key, version } },
    select: { value: true },
  });
  if (!revision) throw unknownRevision(key, version);
  if (revision.value !== null && !settingSchemas[key].safeParse(JSON.parse(revision.value)).success) {
    throw new ValidationError(`version ${version} of "${key}" is no longer a valid value`, { toVersion: ["no longer valid"] });
  }
  return revision.value;
}

const storedFields = { value: true, version: true, updatedAt: true } as const;

async function writeVersioned(tx: Tx, log: EventLogWriter, userId: string, request: WriteRequest): Promise<SettingView> {
  const { key, json } = request;
  const where = { userId_key: { userId, key } };
  const current = await tx.setting.findUnique({ where, select: storedFields });
  const currentVersion = current?.version ?? 0;
  if (request.expectedVersion !== undefined && request.expectedVersion !== currentVersion) {
    throw new ConflictError(`setting "${key}" changed: version ${currentVersion}, not ${request.expectedVersion}`, toSettingView(key, current));
  }
  const written = { value: json, version: currentVersion + 1, updatedAt: new Date() };
  if (current) {
    // The version read above is the precondition of the write; zero rows means
    // someone else wrote first, which is a conflict, never a success.
    const { count } = await tx.setting.updateMany({ where: { userId, key, version: currentVersion }, data: written });
    if (count !== 1) {
      const now = await tx.setting.findUnique({ where, select: storedFields });
      throw new ConflictError(`setting "${key}" changed during the write`, toSettingView(key, now));
    }
  } else {
    await tx.setting.create({ data: { userId, key, ...written }, select: { version: true } });
  }
  await tx.settingRevision.create({
    data: { userId, key, version: written.version, value: json, action: request.action },
    select: { version: true },
  });
  const view = toSettingView(key, written);
  await log.append({ type: settingEventTypes[request.action], entity: "setting", entityId: key, version: written.version, payload: view });
  return view;
}

import type { Database, Sql } from "@/db/client";
import { ConflictError, ValidationError } from "../errors";
import { writeForUser, type EventLogWriter } from "../writes";
import { storedSetting, toSettingView, unknownRevision } from "./data";
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
  return writeForUser(db, userId, { operation, requestId: request.requestId }, async (_tx, log, sql) => {
    const json = revertTo === undefined ? request.json : await revisionValue(sql, userId, request.key, revertTo);
    return writeVersioned(sql, log, userId, { ...request, json });
  });
}

async function revisionValue(sql: Sql, userId: string, key: SettingKey, version: number): Promise<string | null> {
  const [revision] = await sql.all<{ value: string | null }>(
    `SELECT "value" FROM "setting_revision" WHERE "userId" = ? AND "key" = ? AND "version" = ?`,
    userId,
    key,
    version,
  );
  if (!revision) throw unknownRevision(key, version);
  if (revision.value !== null && !settingSchemas[key].safeParse(JSON.parse(revision.value)).success) {
    throw new ValidationError(`version ${version} of "${key}" is no longer a valid value`, { toVersion: ["no longer valid"] });
  }
  return revision.value;
}

// Hand-written statements (src/db/sql.ts, docs/decisions/0013): the write is one
// conditional statement whose RETURNING says whether it happened.
const COLUMNS = `"setting" ("userId", "key", "value", "version", "updatedAt") VALUES (?, ?, ?, 1, ?)`;
const WRITES = {
  always: `INSERT INTO ${COLUMNS} ON CONFLICT ("userId", "key") DO UPDATE SET "value" = excluded."value", "version" = "setting"."version" + 1, "updatedAt" = excluded."updatedAt" RETURNING "version"`,
  ifAbsent: `INSERT INTO ${COLUMNS} ON CONFLICT ("userId", "key") DO NOTHING RETURNING "version"`,
  ifVersion: `UPDATE "setting" SET "value" = ?, "version" = "version" + 1, "updatedAt" = ? WHERE "userId" = ? AND "key" = ? AND "version" = ? RETURNING "version"`,
};
const REVISION_COLUMNS = `"setting_revision" ("userId", "key", "version", "value", "action", "createdAt")`;
// On PostgreSQL the revision rides in the same statement (one round trip less);
// SQLite has no INSERT inside WITH, and its statements cost no round trip.
const WRITES_WITH_REVISION = Object.fromEntries(
  Object.entries(WRITES).map(([name, write]) => [
    name,
    `WITH "written" AS (${write}) INSERT INTO ${REVISION_COLUMNS} SELECT ?::text, ?::text, "version", ?::text, ?::text, ?::timestamp(3) FROM "written" RETURNING "version"`,
  ]),
) as typeof WRITES;

async function writeVersioned(sql: Sql, log: EventLogWriter, userId: string, request: WriteRequest): Promise<SettingView> {
  const { key, json, expectedVersion, action } = request;
  const updatedAt = new Date();
  // The precondition is in the statement: without expectedVersion the write always
  // happens (last write in commit order wins); with it, zero rows means the stored
  // version differs, which is a conflict, never a success.
  const [kind, params] =
    expectedVersion === undefined
      ? (["always", [userId, key, json, updatedAt]] as const)
      : expectedVersion === 0
        ? (["ifAbsent", [userId, key, json, updatedAt]] as const)
        : (["ifVersion", [json, updatedAt, userId, key, expectedVersion]] as const);
  const withRevision = sql.provider === "postgresql";
  const [written] = withRevision
    ? await sql.all<{ version: number }>(WRITES_WITH_REVISION[kind], ...params, userId, key, json, action, updatedAt)
    : await sql.all<{ version: number }>(WRITES[kind], ...params);
  if (!written) {
    const current = await storedSetting(sql, userId, key);
    throw new ConflictError(`setting "${key}" changed: version ${current?.version ?? 0}, not ${expectedVersion}`, toSettingView(key, current));
  }
  if (!withRevision) {
    await sql.run(`INSERT INTO ${REVISION_COLUMNS} VALUES (?, ?, ?, ?, ?, ?)`, userId, key, written.version, json, action, updatedAt);
  }
  const view = toSettingView(key, { value: json, version: written.version, updatedAt });
  await log.append({ type: settingEventTypes[action], entity: "setting", entityId: key, version: written.version, payload: view });
  return view;
}

import { randomUUID } from "node:crypto";
import type { Database, Tx } from "@/db/client";
import { ConflictError, ValidationError } from "../errors";
import type { EventType } from "../events/schema";
import { getSetting } from "../settings/data";
import { parseInput } from "../validation";
import { writeForUser, type EventLogWriter } from "../writes";
import { alertColumns, findAlert, toAlertView } from "./data";
import {
  alertActionInput,
  ALERTS_PER_USER_MAX,
  createAlertInput,
  updateAlertInput,
  type AlertActionInput,
  type AlertView,
  type CreateAlertInput,
  type UpdateAlertInput,
} from "./schema";

/** Emitted on `db.bus` with the ticker when an alert is armed, so the evaluator checks it against the latest price at once. */
export const ALERT_ARMED = "alert-armed";

export async function createAlert(db: Database, userId: string, rawInput: CreateAlertInput): Promise<AlertView> {
  const input = parseInput(createAlertInput, rawInput, "invalid alert");
  const cooldownSeconds = input.cooldownSeconds ?? (await getSetting(db, userId, "alertCooldownSeconds")).value;
  const view = await writeForUser(db, userId, { operation: "alerts.create", requestId: input.requestId }, async (tx, log) => {
    // Under the user's write lock, so concurrent creates cannot both pass the count.
    if ((await tx.alert.count({ where: { userId } })) >= ALERTS_PER_USER_MAX) {
      throw new ValidationError(`at most ${ALERTS_PER_USER_MAX} alerts`, { ticker: [`at most ${ALERTS_PER_USER_MAX} alerts per account`] });
    }
    const row = await tx.alert.create({
      data: {
        id: randomUUID(),
        userId,
        ticker: input.ticker,
        condition: input.condition,
        threshold: input.threshold,
        mode: input.mode,
        cooldownSeconds,
        expiresAt: input.expiresAt ?? null,
        note: input.note || null,
        state: "armed",
      },
      select: alertColumns,
    });
    return logged(log, "alert.created", toAlertView(row));
  });
  db.bus.emit(ALERT_ARMED, view.ticker);
  return view;
}

export async function updateAlert(db: Database, userId: string, rawInput: UpdateAlertInput): Promise<AlertView> {
  const { id, expectedVersion, requestId, ...fields } = parseInput(updateAlertInput, rawInput, "invalid alert update");
  const view = await changeAlert(db, userId, { operation: "alerts.update", id, expectedVersion, requestId }, "alert.updated", () => ({
    ...(fields.condition !== undefined ? { condition: fields.condition } : {}),
    ...(fields.threshold !== undefined ? { threshold: fields.threshold } : {}),
    ...(fields.mode !== undefined ? { mode: fields.mode } : {}),
    ...(fields.cooldownSeconds !== undefined ? { cooldownSeconds: fields.cooldownSeconds } : {}),
    ...(fields.expiresAt !== undefined ? { expiresAt: fields.expiresAt } : {}),
    ...(fields.note !== undefined ? { note: fields.note || null } : {}),
  }));
  if (view.state === "armed") db.bus.emit(ALERT_ARMED, view.ticker);
  return view;
}

/** Arms a triggered (or runaway-stopped) alert again: a new arming, which may fire once more. */
export async function rearmAlert(db: Database, userId: string, rawInput: AlertActionInput): Promise<AlertView> {
  const input = parseInput(alertActionInput, rawInput, "invalid alert");
  const view = await changeAlert(db, userId, { operation: "alerts.rearm", ...input }, "alert.rearmed", (current) => {
    if (current.state === "armed") return null;
    if (current.expiresAt !== null && current.expiresAt.getTime() <= Date.now()) {
      throw new ValidationError("the alert has expired; set a later expiry first", { expiresAt: ["in the past: set a later expiry to rearm"] });
    }
    return { state: "armed", stateReason: null, arming: { increment: 1 } };
  });
  if (view.state === "armed") db.bus.emit(ALERT_ARMED, view.ticker);
  return view;
}

export function disableAlert(db: Database, userId: string, rawInput: AlertActionInput): Promise<AlertView> {
  const input = parseInput(alertActionInput, rawInput, "invalid alert");
  return changeAlert(db, userId, { operation: "alerts.disable", ...input }, "alert.disabled", (current) =>
    current.state === "disabled" ? null : { state: "disabled", stateReason: "disabled by you" },
  );
}

export async function enableAlert(db: Database, userId: string, rawInput: AlertActionInput): Promise<AlertView> {
  const input = parseInput(alertActionInput, rawInput, "invalid alert");
  const view = await changeAlert(db, userId, { operation: "alerts.enable", ...input }, "alert.enabled", (current) =>
    current.state !== "disabled" ? null : { state: "armed", stateReason: null, arming: { increment: 1 } },
  );
  if (view.state === "armed") db.bus.emit(ALERT_ARMED, view.ticker);
  return view;
}

export async function deleteAlert(db: Database, userId: string, rawInput: AlertActionInput): Promise<AlertView> {
  const { id, expectedVersion, requestId } = parseInput(alertActionInput, rawInput, "invalid alert");
  return writeForUser(db, userId, { operation: "alerts.delete", requestId }, async (tx, log) => {
    const current = await currentAlert(tx, userId, id, expectedVersion);
    const { count } = await tx.alert.deleteMany({ where: { id, userId, version: current.version } });
    if (count !== 1) throw new ConflictError("the alert changed meanwhile", await findAlert(tx, userId, id));
    return logged(log, "alert.deleted", current);
  });
}

/** Marks alerts past their expiry as expired (the sweep). Each is one conditional update under its owner's lock. */
export async function expireAlerts(db: Database, now = new Date()): Promise<number> {
  const due = await db.prisma.alert.findMany({
    where: { state: { in: ["armed", "triggered"] }, expiresAt: { lte: now } },
    select: { id: true, userId: true },
    orderBy: [{ userId: "asc" }, { id: "asc" }],
    take: 500,
  });
  let expired = 0;
  for (const { id, userId } of due) {
    const changed = await writeForUser(db, userId, { operation: "alerts.expire" }, async (tx, log) => {
      const { count } = await tx.alert.updateMany({
        where: { id, state: { in: ["armed", "triggered"] }, expiresAt: { lte: now } },
        data: { state: "expired", stateReason: "past its expiry", version: { increment: 1 } },
      });
      if (count === 1) await logged(log, "alert.expired", await findAlert(tx, userId, id));
      return count;
    });
    expired += changed;
  }
  return expired;
}

interface ChangeRequest {
  operation: string;
  id: string;
  expectedVersion?: number;
  requestId?: string;
}

type AlertChange = Parameters<Tx["alert"]["updateMany"]>[0]["data"];

/**
 * One versioned change of one alert under its owner's write lock: a stale
 * expectedVersion is CONFLICT with the current alert; `compute` returning null
 * means "already so" (no write, no event); the write itself is conditional on the
 * version read, so nothing can slip in between.
 */
function changeAlert(
  db: Database,
  userId: string,
  request: ChangeRequest,
  eventType: Exclude<EventType & `alert.${string}`, "alert.fired">,
  compute: (current: AlertView) => AlertChange | null,
): Promise<AlertView> {
  return writeForUser(db, userId, { operation: request.operation, requestId: request.requestId }, async (tx, log) => {
    const current = await currentAlert(tx, userId, request.id, request.expectedVersion);
    const data = compute(current);
    if (!data) return current;
    const { count } = await tx.alert.updateMany({ where: { id: request.id, userId, version: current.version }, data: { ...data, version: { increment: 1 } } });
    if (count !== 1) throw new ConflictError("the alert changed meanwhile", await findAlert(tx, userId, request.id));
    return logged(log, eventType, await findAlert(tx, userId, request.id));
  });
}

async function currentAlert(tx: Tx, userId: string, id: string, expectedVersion?: number): Promise<AlertView> {
  const current = await findAlert(tx, userId, id);
  if (expectedVersion !== undefined && current.version !== expectedVersion) {
    throw new ConflictError(`the alert is at version ${current.version}, not ${expectedVersion}`, current);
  }
  return current;
}

async function logged(log: EventLogWriter, type: Exclude<EventType & `alert.${string}`, "alert.fired">, view: AlertView): Promise<AlertView> {
  await log.append({ type, entity: "alert", entityId: view.id, version: view.version, payload: view } as Parameters<EventLogWriter["append"]>[0]);
  return view;
}


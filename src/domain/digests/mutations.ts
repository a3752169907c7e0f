import superjson from "superjson";
import type { Database } from "@/db/client";
import { parseEventPayload } from "../events/schema";
import { writeForUser } from "../writes";
import { DIGEST_LIST_MAX, type Digest } from "./schema";

const SUMMARIZED_ENTITIES = ["setting", "provider", "profile"];
const EVENTS_READ_MAX = 10_000;

export interface DigestRequest {
  jobId: string;
  runId: string;
  from: Date;
  to: Date;
}

/**
 * Summarizes the owner's changes in [from, to) and appends `digest.delivered`,
 * in one write transaction. The run id is the idempotency key: a run taken
 * over after its first runner died delivers the digest at most once.
 */
export function deliverDigest(db: Database, userId: string, request: DigestRequest): Promise<Digest> {
  return writeForUser(db, userId, { operation: "digest.deliver", requestId: `jobrun:${request.runId}` }, async (tx, log) => {
    const rows = await tx.event.findMany({
      where: { userId, entity: { in: SUMMARIZED_ENTITIES }, createdAt: { gte: request.from, lt: request.to } },
      orderBy: { seq: "asc" },
      take: EVENTS_READ_MAX,
      select: { type: true, payload: true, createdAt: true },
    });
    const settings = new Map<string, number>();
    const profile = new Map<string, number>();
    const providerChanges = { added: 0, updated: 0, deleted: 0 };
    const providerSwitches: Digest["providerSwitches"] = [];
    for (const row of rows) {
      const payload = superjson.parse(row.payload);
      if (row.type.startsWith("setting.")) {
        const setting = parseEventPayload("setting.saved", payload);
        if (setting) settings.set(setting.key, (settings.get(setting.key) ?? 0) + 1);
      } else if (row.type === "profile.updated") {
        for (const field of parseEventPayload("profile.updated", payload)?.changed ?? []) profile.set(field, (profile.get(field) ?? 0) + 1);
      } else if (row.type === "provider.activated") {
        const event = parseEventPayload("provider.activated", payload);
        if (event) providerSwitches.push({ providerId: event.provider.id, name: event.provider.name, at: row.createdAt });
      } else if (row.type === "provider.added") providerChanges.added++;
      else if (row.type === "provider.updated") providerChanges.updated++;
      else if (row.type === "provider.deleted") providerChanges.deleted++;
    }
    const digest: Digest = {
      jobId: request.jobId,
      runId: request.runId,
      from: request.from,
      to: request.to,
      changes: rows.length,
      settings: top(settings).map(([key, changes]) => ({ key, changes })),
      providerSwitches: providerSwitches.slice(-DIGEST_LIST_MAX),
      providerChanges,
      profile: top(profile).map(([field, changes]) => ({ field, changes })),
    };
    await log.append({ type: "digest.delivered", entity: "digest", entityId: request.runId, version: 1, payload: digest });
    return digest;
  });
}

const top = (counts: Map<string, number>) => [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, DIGEST_LIST_MAX);

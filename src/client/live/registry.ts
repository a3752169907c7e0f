import type { z } from "zod";
import { parseEventPayload, type EventEntity, type eventPayloadSchemas, type EventType } from "@/domain/events/schema";
import type { StreamEvent } from "./shared-stream";

type TypeOf<E extends EventEntity> = Extract<EventType, `${E}.${string}`>;

/** A stream event of entity `E`, its payload parsed with its type's schema. */
export type LiveEvent<E extends EventEntity = EventEntity> = {
  [T in TypeOf<E>]: { id: string; seq: number; type: T; entity: E; payload: z.output<(typeof eventPayloadSchemas)[T]> };
}[TypeOf<E>];

/** What a domain owns on the stream: its entity, how an event changes the tab's state, and how to read that state again. */
export interface LiveRegistration<E extends EventEntity = EventEntity> {
  entity: E;
  apply(event: LiveEvent<E>): void;
  /** Events may have been missed (the stream opened or reopened, or sent `stream.resync`). */
  refetch(): void;
}

const developmentWarning = (message: string) => {
  if (process.env.NODE_ENV !== "production") console.warn(message);
};

/**
 * Hands each stream event to the registrations of its entity. An event that no
 * registration takes, or whose payload does not match its type's schema, is
 * reported once per entity or type; a malformed one also makes its entity
 * refetch, so the tab never keeps showing the state from before it.
 */
export class LiveRegistry {
  readonly #byEntity = new Map<string, Set<LiveRegistration>>();
  readonly #warned = new Set<string>();
  readonly #warn: (message: string) => void;

  constructor(warn: (message: string) => void = developmentWarning) {
    this.#warn = warn;
  }

  /** Returns the function that removes the registration. */
  register(registration: LiveRegistration): () => void {
    const registrations = this.#byEntity.get(registration.entity) ?? new Set();
    this.#byEntity.set(registration.entity, registrations);
    registrations.add(registration);
    return () => void registrations.delete(registration);
  }

  dispatch(event: StreamEvent): void {
    const entity = typeof event.entity === "string" ? event.entity : "(none)";
    const registrations = [...(this.#byEntity.get(entity) ?? [])];
    if (registrations.length === 0) {
      this.#warnOnce(`entity:${entity}`, `live: no registration for "${entity}" events (got ${event.type}); this tab ignores them`);
      return;
    }
    const payload = parseEventPayload(event.type as EventType, event.payload);
    if (payload === null || typeof event.seq !== "number") {
      this.#warnOnce(`type:${event.type}`, `live: a ${event.type} event does not match its schema; refetching "${entity}"`);
      for (const registration of registrations) registration.refetch();
      return;
    }
    const live = { id: event.id, seq: event.seq, type: event.type, entity, payload } as LiveEvent;
    for (const registration of registrations) registration.apply(live);
  }

  refetchAll(): void {
    for (const registrations of this.#byEntity.values()) {
      for (const registration of [...registrations]) registration.refetch();
    }
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#warn(message);
  }
}

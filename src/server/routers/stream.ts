import { tracked } from "@trpc/server";
import { streamEventsInput } from "@/domain/events/schema";
import { followUserEvents } from "@/domain/events/lib/tailer";
import { authedProcedure, router } from "../trpc/init";

export const streamRouter = router({
  /** Replays what the client missed since lastEventId, then follows live (SSE). */
  events: authedProcedure.input(streamEventsInput).subscription(async function* ({ ctx, input, signal }) {
    const { db, tailer, shutdown } = ctx.services;
    const stop = AbortSignal.any([signal ?? new AbortController().signal, shutdown]);
    for await (const event of followUserEvents(db, tailer, ctx.userId, input?.lastEventId, stop)) {
      yield tracked(event.id, event);
    }
  }),
});

import type http from "node:http";

/**
 * At most `limit` API writes (tRPC POSTs) of this process in progress; later ones
 * wait in arrival order with their bodies still unread, so they cost no CPU while
 * they wait. Why (docs/decisions/0013): a process's writes are serialized by the
 * database anyway (one writer connection on SQLite, the user's row lock and a pool
 * of 10 on PostgreSQL), but 32 of them in progress at once interleave their
 * parsing, validation and serialization on the one event loop, and a read waits
 * behind all of it. Admitted a few at a time, writes lose no throughput and a read
 * waits behind at most `limit` of them. Reads, streams and pages are never held.
 */
export function writeAdmission(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];

  const admitNext = () => {
    while (running < limit && waiting.length > 0) waiting.shift()!();
  };

  return function admit(req: http.IncomingMessage, res: http.ServerResponse, handle: () => void): void {
    if (req.method !== "POST" || limit <= 0) return handle();
    let started = false;
    let finished = false;
    const start = () => {
      started = true;
      running++;
      handle();
    };
    res.once("close", () => {
      if (finished) return;
      finished = true;
      if (started) {
        running--;
        setImmediate(admitNext); // on a later turn, so sockets (reads) are served between writes
      } else {
        const at = waiting.indexOf(start); // the client left while waiting: never started
        if (at >= 0) waiting.splice(at, 1);
      }
    });
    if (running < limit) start();
    else waiting.push(start);
  };
}

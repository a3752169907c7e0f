/**
 * A FIFO async mutex: `acquire()` resolves with a release function.
 *
 * The next holder starts on a later turn of the event loop (setImmediate), not in
 * the releasing microtask. Why: on SQLite a whole write transaction runs in
 * microtasks (every statement returns at once), so with a microtask hand-off a
 * queue of writers ran back to back without ever letting the event loop read a
 * socket, and a read arriving meanwhile waited for the whole queue (measured: p50
 * 417 ms beside a 32-connection save storm; docs/decisions/0013).
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = () => setImmediate(resolve)));
    const ready = this.#tail.then(() => {
      let released = false;
      return () => {
        if (!released) {
          released = true;
          release();
        }
      };
    });
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

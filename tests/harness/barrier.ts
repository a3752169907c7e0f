/**
 * Releases `parties` callers at once: each awaits `arrive()`, and nobody
 * proceeds until all have arrived. Used so concurrent operations really start
 * together instead of trickling in as they are created.
 */
export function createBarrier(parties: number) {
  let arrived = 0;
  let release!: () => void;
  const open = new Promise<void>((resolve) => (release = resolve));
  return {
    arrive(): Promise<void> {
      arrived++;
      if (arrived === parties) release();
      if (arrived > parties) throw new Error(`barrier for ${parties} got ${arrived} arrivals`);
      return open;
    },
  };
}

/** Runs `count` operations released together by a barrier; settles all of them. */
export async function together<T>(count: number, operation: (index: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const barrier = createBarrier(count);
  return Promise.allSettled(
    Array.from({ length: count }, async (_, index) => {
      await barrier.arrive();
      return operation(index);
    }),
  );
}

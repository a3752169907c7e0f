/**
 * Runs `task` once after `firstDelayMs`, then every `intervalMs`; a failure is
 * logged and the next interval tries again. Timers do not keep the process
 * alive. Returns the stop function.
 */
export function startPeriodic(name: string, task: () => Promise<void>, firstDelayMs: number, intervalMs: number): () => void {
  const run = async () => {
    try {
      await task();
    } catch (error) {
      console.error(`[${name}] failed; will retry next interval:`, (error as Error).message);
    }
  };
  const first = setTimeout(run, firstDelayMs);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

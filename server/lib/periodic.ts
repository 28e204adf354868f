/**
 * Background upkeep on a timer: never overlapping, never throwing out of the
 * timer, and not keeping the process alive on its own.
 */
import type { Logger } from './logger';

export interface PeriodicJob {
  stop(): Promise<void>;
}

export function every(intervalMs: number, name: string, work: () => Promise<unknown>, logger: Logger): PeriodicJob {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = work()
      .then(() => undefined, (error: unknown) => logger.warn({ job: name, error: (error as Error).name }, 'periodic job failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * A queue in front of expensive work, per instance: at most `concurrency`
 * jobs run at once and the rest wait their turn, so a burst makes everyone
 * wait a little instead of taking every core and every megabyte. A job is
 * refused (QueueFull) only when `maxWaiting` jobs already wait, or when its
 * turn has not come within `maxWaitMs`; a refused job has not started.
 */
export interface WorkQueueOptions {
  concurrency: number;
  maxWaiting: number;
  maxWaitMs: number;
}

export class QueueFull extends Error {
  override name = 'QueueFull';

  /** How long a job may have to wait when the queue is full, hence when to try again. */
  constructor(readonly retryAfterMs: number) {
    super('queue full');
  }
}

export interface WorkQueue {
  run<T>(work: () => Promise<T>): Promise<T>;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

export function createWorkQueue({ concurrency, maxWaiting, maxWaitMs }: WorkQueueOptions): WorkQueue {
  let running = 0;
  const waiting: Waiter[] = [];

  const turn = (): Promise<void> => {
    if (running < concurrency) {
      running += 1;
      return Promise.resolve();
    }
    if (waiting.length >= maxWaiting) return Promise.reject(new QueueFull(maxWaitMs));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: resolve,
        timer: setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new QueueFull(maxWaitMs));
        }, maxWaitMs),
      };
      waiting.push(waiter);
    });
  };

  // The slot passes straight to the next waiter: `running` stays the same.
  const done = (): void => {
    const next = waiting.shift();
    if (!next) {
      running -= 1;
      return;
    }
    clearTimeout(next.timer);
    next.start();
  };

  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      await turn();
      try {
        return await work();
      } finally {
        done();
      }
    },
  };
}

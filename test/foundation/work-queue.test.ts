/** The intake queue's rules, as pure logic: how many run, how many wait, how long. */
import { createWorkQueue, QueueFull } from '../../server/lib/work-queue';

function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('the work queue', () => {
  it('when more jobs come than may run, then the rest wait and start in order as slots free up, never more than the limit at once', async () => {
    const queue = createWorkQueue({ concurrency: 2, maxWaiting: 10, maxWaitMs: 5_000 });
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = [0, 1, 2, 3, 4].map(() => gate());
    const jobs = gates.map((g, index) => queue.run(async () => {
      started.push(index);
      running += 1;
      most = Math.max(most, running);
      await g.opened;
      running -= 1;
      return index;
    }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    for (const g of gates) g.open();
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('when the waiting room is full, then a new job is refused at once and never runs', async () => {
    const queue = createWorkQueue({ concurrency: 1, maxWaiting: 1, maxWaitMs: 5_000 });
    const g = gate();
    const ran: string[] = [];
    const first = queue.run(async () => { ran.push('first'); await g.opened; });
    const second = queue.run(async () => { ran.push('second'); });
    await expect(queue.run(async () => { ran.push('third'); })).rejects.toEqual(new QueueFull(5_000));
    g.open();
    await Promise.all([first, second]);
    expect(ran).toEqual(['first', 'second']);
  });

  it('when a job has waited longer than allowed, then it is refused without running, and the queue goes on', async () => {
    const queue = createWorkQueue({ concurrency: 1, maxWaiting: 5, maxWaitMs: 50 });
    const g = gate();
    const ran: string[] = [];
    const first = queue.run(async () => { await g.opened; ran.push('first'); });
    const late = queue.run(async () => { ran.push('late'); });
    await expect(late).rejects.toBeInstanceOf(QueueFull);
    g.open();
    await first;
    await queue.run(async () => { ran.push('after'); });
    expect(ran).toEqual(['first', 'after']);
  });

  it('when a job fails, then its slot is freed for the next', async () => {
    const queue = createWorkQueue({ concurrency: 1, maxWaiting: 0, maxWaitMs: 50 });
    await expect(queue.run(async () => { throw new Error('broken file'); })).rejects.toThrow('broken file');
    expect(await queue.run(async () => 'next')).toBe('next');
  });
});

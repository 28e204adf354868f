/**
 * One writer per month at a time. Taking the lock is an insert on a unique
 * _id (atomic on FerretDB and MongoDB alike); a lock older than
 * staleLockMs belongs to a writer that died or stalled, may have left the
 * month half-written, so taking it over also marks the month dirty.
 */
import { randomUUID } from 'node:crypto';
import { markDirty } from '../cases/case-change.model';
import { RollupLock } from './rollup.model';
import { isDuplicateKeyError } from '../lib/db';

export const staleLockMs = 30_000;

export async function withMonthLock(month: string, waitMs: number, work: () => Promise<void>): Promise<boolean> {
  const holder = randomUUID();
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await tryLock(month, holder)) break;
    const lock = await RollupLock.findById(month).lean();
    if (lock && Date.now() - new Date(lock.at).getTime() > staleLockMs) {
      await RollupLock.deleteOne({ _id: month, holder: lock.holder });
      await markDirty(month, 'staleLock');
      continue;
    }
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
  }
  try {
    await work();
    return true;
  } finally {
    await RollupLock.deleteOne({ _id: month, holder }).catch(() => undefined);
  }
}

async function tryLock(month: string, holder: string): Promise<boolean> {
  try {
    await RollupLock.create({ _id: month, holder, at: new Date() });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

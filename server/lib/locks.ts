/**
 * Short exclusive sections across instances, on FerretDB and MongoDB alike:
 * taking a lock is an insert on a unique _id (the one write FerretDB makes
 * atomic), releasing it deletes exactly the holder's document, and a lock
 * older than staleMs belongs to a holder that died and may be taken over.
 * Every read and write goes by _id.
 */
import { randomUUID } from 'node:crypto';
import { Schema, model } from 'mongoose';
import { isDuplicateKeyError } from './db';

const Lock = model('Lock', new Schema(
  { _id: { type: String, required: true }, holder: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'locks', versionKey: false },
));

export interface LockOptions {
  /** how long to wait for a lock another holder has; 0: give up at once */
  waitMs: number;
  staleMs?: number;
}

/** Runs `work` holding the lock `name`; false (and work not run) if it could not be had in time. */
export async function withLock(name: string, options: LockOptions, work: () => Promise<void>): Promise<boolean> {
  const holder = randomUUID();
  const deadline = Date.now() + options.waitMs;
  while (!(await tryLock(name, holder, options.staleMs ?? 30_000))) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 30));
  }
  try {
    await work();
    return true;
  } finally {
    await Lock.deleteOne({ _id: name, holder }).catch(() => undefined);
  }
}

async function tryLock(name: string, holder: string, staleMs: number): Promise<boolean> {
  try {
    await Lock.create({ _id: name, holder, at: new Date() });
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const lock = await Lock.findById(name).lean();
    if (lock && Date.now() - new Date(lock.at).getTime() > staleMs) await Lock.deleteOne({ _id: name, holder: lock.holder });
    return false;
  }
}

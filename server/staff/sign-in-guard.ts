/**
 * How many sign-in guesses an account takes, counted without a race and
 * per client, so that a stranger cannot lock staff out.
 *
 * Each password or code check first claims one of five numbered slots for
 * its account and client (a unique _id: of twenty guesses sent at once, five
 * win and the rest are refused unchecked; FerretDB has no atomic counter).
 * A failure keeps its slot; the one that took the last slot locks the
 * account for that client for fifteen minutes; a completed sign-in (the code,
 * or a right current password in a signed-in session) starts the count
 * afresh (a new epoch of slots), while a right password alone only gives its
 * own slot back: alternating it with wrong codes must not reset the count.
 * Across all clients, fifty failures lock the account for everyone (the
 * account's own lockedUntil), which bounds a guess spread over many addresses. Locks and slots are read and written by _id;
 * the collection holds the last half hour's guesses (swept with sessions).
 */
import { Schema, model } from 'mongoose';
import { isDuplicateKeyError } from '../lib/db';

export const guardLimits = { perClient: 5, perAccount: 50, lockMs: 15 * 60_000 } as const;

const SignInGuard = model('SignInGuard', new Schema(
  {
    _id: { type: String, required: true },
    epoch: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'sign_in_guards', versionKey: false },
));

/** How a claimed guess ended: wrong, a right password on the way to the code, or a completed sign-in. */
export type GuessOutcome = 'wrong' | 'passed' | 'signedIn';

export type Claim =
  | { ok: false }
  | { ok: true; finish: (outcome: GuessOutcome) => Promise<{ lockedClient: boolean; lockedAccount: boolean }> };

export async function claimGuess(accountId: string, client: string, now = new Date()): Promise<Claim> {
  const clientScope = `${accountId}:${client}`;
  const accountScope = `${accountId}:all`;
  const [clientGuard, accountGuard] = await Promise.all([SignInGuard.findById(`lock:${clientScope}`).lean(), SignInGuard.findById(`lock:${accountScope}`).lean()]);
  if (clientGuard?.lockedUntil && clientGuard.lockedUntil > now) return { ok: false };
  const clientEpoch = clientGuard?.epoch ?? 0;
  const accountEpoch = accountGuard?.epoch ?? 0;
  const clientSlot = await claimSlot(`${clientScope}:${clientEpoch}`, guardLimits.perClient, now);
  if (clientSlot === null) return { ok: false };
  const accountSlot = await claimSlot(`${accountScope}:${accountEpoch}`, guardLimits.perAccount, now);
  if (accountSlot === null) return { ok: false };
  return {
    ok: true,
    async finish(outcome) {
      if (outcome !== 'wrong') {
        if (outcome === 'signedIn') await setGuard(clientScope, clientEpoch + 1, null, now);
        else await SignInGuard.deleteOne({ _id: `slot:${clientScope}:${clientEpoch}:${clientSlot}` });
        await SignInGuard.deleteOne({ _id: `slot:${accountScope}:${accountEpoch}:${accountSlot}` });
        return { lockedClient: false, lockedAccount: false };
      }
      const lockedClient = clientSlot === guardLimits.perClient - 1;
      const lockedAccount = accountSlot === guardLimits.perAccount - 1;
      const until = new Date(now.getTime() + guardLimits.lockMs);
      if (lockedClient) await setGuard(clientScope, clientEpoch + 1, until, now);
      if (lockedAccount) await setGuard(accountScope, accountEpoch + 1, null, now);
      return { lockedClient, lockedAccount };
    },
  };
}

/** An administrator enabled the account or reset its password: every client may try again. */
export async function forgiveAccount(accountId: string): Promise<void> {
  const guards = await SignInGuard.find({}, { _id: 1 }).lean();
  for (const { _id } of guards) if (_id.startsWith(`lock:${accountId}:`) || _id.startsWith(`slot:${accountId}:`)) await SignInGuard.deleteOne({ _id });
}

/** Sign-in guards of the past: slots and locks older than any lock lasts. */
export async function sweepSignInGuards(now = new Date()): Promise<void> {
  const old = (await SignInGuard.find({}, { _id: 1, at: 1, lockedUntil: 1 }).lean()).filter(
    (guard) => now.getTime() - guard.at.getTime() > 2 * guardLimits.lockMs && !(guard.lockedUntil && guard.lockedUntil > now),
  );
  for (const { _id } of old) await SignInGuard.deleteOne({ _id });
}

async function claimSlot(scope: string, slots: number, now: Date): Promise<number | null> {
  for (let n = 0; n < slots; n += 1) {
    try {
      await SignInGuard.create({ _id: `slot:${scope}:${n}`, at: now });
      return n;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  return null;
}

async function setGuard(scope: string, epoch: number, lockedUntil: Date | null, now: Date): Promise<void> {
  await SignInGuard.updateOne({ _id: `lock:${scope}` }, { $set: { lockedUntil, at: now }, $max: { epoch } }, { upsert: true });
}

/**
 * Rotates the commission key or the identity key (see README, "Rotating keys").
 *
 *   node dist/scripts/commission-keys.js create --out new-commission.pem
 *   (COMMISSION_PUBLIC_KEY := the new public key; restart the portal: new cases are sealed to it)
 *   echo 'holder password' | npm run keys:rotate -- rotate commission --holder EMAIL --new-key new-commission.pem
 *   (holders sign in: each gets the new key wrapped under their password)
 *   npm run keys:rotate -- retire commission --old-key-id ID
 *
 * The old private key is unwrapped from the holder's account with their
 * password (a custodian's for the identity key); nothing but data keys is
 * decrypted. Safe to stop and run again.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { unwrapFollowingHandovers } from '../server/cases/sealing/key-handover';
import type { RotatedKeyKind } from '../server/cases/sealing/key-handover';
import { commissionKeyIdOfPrivateKey } from '../server/cases/sealing/commission-key';
import type { WrappedPrivateKey } from '../server/cases/sealing/staff-key-wrap';
import { loadConfig } from '../server/config';
import { withDatabase } from '../server/lib/script-database';
import { retireKey, rotateCaseKeys } from '../server/key-rotation/rotate-case-keys.service';
import { archivesSealedTo, resealArchives } from '../server/retention/case-archive';
import { Staff } from '../server/staff/staff.model';

const usage = 'usage: keys:rotate -- rotate commission|identity --holder EMAIL --new-key FILE   (the holder\'s password on stdin)\n       keys:rotate -- retire commission|identity --old-key-id ID';

export interface RotateIo {
  stdin?: string;
  out: (text: string) => void;
  err: (text: string) => void;
  /** where purged cases' archives are (retention/): their data keys are re-sealed too */
  archiveDir?: string;
}

/** Runs on an open database connection. Returns the exit code. */
export async function runRotateKeys(argv: string[], io: RotateIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { holder: { type: 'string' }, 'new-key': { type: 'string' }, 'old-key-id': { type: 'string' } } });
  const [command, kind] = positionals as [string, RotatedKeyKind];
  if (!['commission', 'identity'].includes(kind)) return fail(io, usage);
  if (command === 'retire' && values['old-key-id']) {
    const archived = kind === 'commission' && io.archiveDir ? archivesSealedTo(io.archiveDir, values['old-key-id']) : 0;
    if (archived > 0) return fail(io, `${archived} archives of purged cases are still sealed to key ${values['old-key-id']}: run the rotation again first. Nothing was retired.`);
    const retired = await retireKey(kind, values['old-key-id']);
    if (retired.casesStillOnOldKey > 0) return fail(io, `${retired.casesStillOnOldKey} cases are still sealed to key ${values['old-key-id']}: run the rotation again (with the new key configured) first. Nothing was retired.`);
    io.out(`Key ${values['old-key-id']} retired. ${retired.accountsLeftWithoutKey} accounts still held only the old key and now hold none: grant them the key again.\n`);
    return 0;
  }
  if (command !== 'rotate' || !values.holder || !values['new-key']) return fail(io, usage);
  const password = io.stdin?.split(/\r?\n/)[0];
  if (!password) return fail(io, 'The holder\'s password is read from stdin.');
  const holder = await Staff.findOne({ email: values.holder.toLowerCase() }).lean();
  const wrapped = (kind === 'commission' ? holder?.wrappedCommissionKey : holder?.wrappedIdentityKey) as WrappedPrivateKey | null | undefined;
  if (!wrapped) return fail(io, `No account ${values.holder} holding the ${kind} key.`);
  const newPrivateKeyPem = readFileSync(values['new-key'], 'utf8');
  // The holder's key as it stands (an account already handed over to the new key gives back the old one).
  const oldPrivateKeyPem = await oldKeyOf(wrapped, password, newPrivateKeyPem);
  const summary = await rotateCaseKeys(kind, oldPrivateKeyPem, newPrivateKeyPem);
  const newPublicKeyPem = createPublicKey(newPrivateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  const archives = kind === 'commission' && io.archiveDir ? resealArchives(io.archiveDir, oldPrivateKeyPem, newPublicKeyPem, summary.fromKeyId) : 0;
  io.out([
    `Rotation of the ${kind} key from ${summary.fromKeyId} to ${summary.toKeyId}: ${summary.resealed} cases re-sealed, ${summary.alreadyNew} already on the new key, ${summary.otherKey} on another key, ${summary.none} without one; ${archives} archives of purged cases re-sealed.`,
    `The portal must seal new cases to the new key: ${kind === 'commission' ? 'COMMISSION_PUBLIC_KEY' : 'IDENTITY_PUBLIC_KEY'} is its public half (if it was not yet, set it, restart and run this command again).`,
    `Holders of the old key receive the new one when they next ${kind === 'commission' ? 'sign in' : 'open an identity'}. Then: keys:rotate -- retire ${kind} --old-key-id ${summary.fromKeyId}`,
    '',
  ].join('\n'));
  return 0;
}

async function oldKeyOf(wrapped: WrappedPrivateKey, password: string, newPrivateKeyPem: string): Promise<string> {
  const newKeyId = commissionKeyIdOfPrivateKey(newPrivateKeyPem);
  if (wrapped.keyId !== newKeyId) return (await unwrapFollowingHandovers(wrapped, password, wrapped.keyId)).privateKeyPem;
  throw new Error('This account already holds the new key: name a holder of the old key (or retire the old key if the rotation is done).');
}

function fail(io: RotateIo, message: string): number {
  io.err(`${message}\n`);
  return 2;
}

if (require.main === module) {
  const stdin = process.stdin.isTTY ? undefined : readFileSync(0, 'utf8');
  withDatabase(loadConfig(), () => runRotateKeys(process.argv.slice(2), { stdin, archiveDir: loadConfig().retention.archiveDir, out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) })).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`keys:rotate failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}

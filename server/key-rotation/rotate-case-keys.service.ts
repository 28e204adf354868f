/**
 * Rotating the commission key or the identity key: hand the new key over to
 * the holders of the old one (cases/sealing/key-handover.ts), then re-seal
 * every case's data key (or identity key) from the old key to the new one.
 * Only those small keys are opened; no case content is decrypted.
 *
 * A batch job over every case, in batches by _id (on FerretDB each batch
 * reads the collection: fine for a command run once a year). It can be
 * stopped and run again: a case already sealed to the new key is skipped,
 * and each case is re-sealed under its case lock, in one write.
 */
import { createPublicKey } from 'node:crypto';
import mongoose from 'mongoose';
import { recordAudit } from '../audit/audit.service';
import { Case } from '../cases/case.model';
import { commissionKeyIdOfPrivateKey, openFromCommission, sealToCommission, type SealedForCommission } from '../cases/sealing/commission-key';
import { openHandover, retireHandover, type RotatedKeyKind } from '../cases/sealing/key-handover';
import { Staff } from '../staff/staff.model';
import { withLock } from '../lib/locks';
import { resealFileKeys } from '../rectification/rectification-files.service';

export interface RotationSummary {
  fromKeyId: string;
  toKeyId: string;
  resealed: number;
  alreadyNew: number;
  /** sealed to a third key (an older rotation not finished): left as they are */
  otherKey: number;
  /** no identity sealed to a key (stored before the identity key existed, or no identity given) */
  none: number;
}

const sealedPath: Record<RotatedKeyKind, 'sealedForCommission' | 'sealedForIdentity'> = { commission: 'sealedForCommission', identity: 'sealedForIdentity' };
const staffField: Record<RotatedKeyKind, 'wrappedCommissionKey' | 'wrappedIdentityKey'> = { commission: 'wrappedCommissionKey', identity: 'wrappedIdentityKey' };

export async function rotateCaseKeys(kind: RotatedKeyKind, oldPrivateKeyPem: string, newPrivateKeyPem: string, options: { batchSize?: number } = {}): Promise<RotationSummary> {
  const fromKeyId = commissionKeyIdOfPrivateKey(oldPrivateKeyPem);
  const toKeyId = commissionKeyIdOfPrivateKey(newPrivateKeyPem);
  if (fromKeyId === toKeyId) throw new Error('The new key is the old key: create a new key pair first.');
  const newPublicKeyPem = createPublicKey(newPrivateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  await openHandover(kind, createPublicKey(oldPrivateKeyPem).export({ type: 'spki', format: 'pem' }).toString(), fromKeyId, newPrivateKeyPem);
  const summary: RotationSummary = { fromKeyId, toKeyId, resealed: 0, alreadyNew: 0, otherKey: 0, none: 0 };
  for await (const batch of casesInBatches(options.batchSize ?? 500)) {
    for (const { _id, keys } of batch) {
      const sealed = keys?.[sealedPath[kind]] as SealedForCommission | null | undefined;
      if (!sealed) summary.none += 1;
      else if (sealed.keyId === toKeyId) summary.alreadyNew += 1;
      else if (sealed.keyId !== fromKeyId) summary.otherKey += 1;
      else if (await resealCase(kind, _id, oldPrivateKeyPem, newPublicKeyPem, fromKeyId)) summary.resealed += 1;
      else summary.alreadyNew += 1;
    }
  }
  // Units' evidence files for rectification items are sealed to the commission key too.
  const rectificationFiles = kind === 'commission' ? await resealFileKeys(oldPrivateKeyPem, newPublicKeyPem) : 0;
  await recordAudit({ actor: 'system', action: 'keys.rotated', details: { kind, ...summary, ...(rectificationFiles ? { rectificationFiles } : {}) } });
  return summary;
}

/** Keys of the cases, a batch at a time, in _id order (the raw collection: only this path is read). */
async function* casesInBatches(size: number): AsyncGenerator<Array<{ _id: mongoose.Types.ObjectId; keys?: Record<string, unknown> }>> {
  const cases = mongoose.connection.collection('cases');
  let after: mongoose.Types.ObjectId | undefined;
  for (;;) {
    const batch = await cases.find(after ? { _id: { $gt: after } } : {}, { projection: { keys: 1 }, sort: { _id: 1 }, limit: size }).toArray();
    if (batch.length === 0) return;
    yield batch as never;
    after = batch[batch.length - 1]._id as mongoose.Types.ObjectId;
  }
}

/** Under the case lock, from the stored case: false if it was no longer sealed to the old key. */
async function resealCase(kind: RotatedKeyKind, caseId: mongoose.Types.ObjectId, oldPrivateKeyPem: string, newPublicKeyPem: string, fromKeyId: string): Promise<boolean> {
  let resealed = false;
  const locked = await withLock(`case-move:${caseId.toString()}`, { waitMs: 10_000 }, async () => {
    const stored = await Case.findById(caseId, { keys: 1 }).lean();
    const sealed = stored?.keys?.[sealedPath[kind]] as SealedForCommission | null | undefined;
    if (!sealed || sealed.keyId !== fromKeyId) return;
    const key = openFromCommission(oldPrivateKeyPem, sealed);
    try {
      await Case.updateOne({ _id: caseId }, { $set: { [`keys.${sealedPath[kind]}`]: sealToCommission(newPublicKeyPem, key) } });
    } finally {
      key.fill(0);
    }
    resealed = true;
  });
  if (!locked) throw new Error(`Case ${caseId.toString()} stayed locked: run the rotation again.`);
  return resealed;
}

export interface RetireSummary {
  casesStillOnOldKey: number;
  /** accounts that never signed in (or, for the identity key, never opened an identity) since the rotation: their old wrap is removed */
  accountsLeftWithoutKey: number;
}

/**
 * Ends a rotation: refuses while any case is still sealed to the old key;
 * removes the handover and every wrap of the old key (those accounts get the
 * key granted again).
 */
export async function retireKey(kind: RotatedKeyKind, oldKeyId: string): Promise<RetireSummary> {
  let casesStillOnOldKey = 0;
  for await (const batch of casesInBatches(1000)) {
    casesStillOnOldKey += batch.filter(({ keys }) => (keys?.[sealedPath[kind]] as SealedForCommission | null | undefined)?.keyId === oldKeyId).length;
  }
  if (casesStillOnOldKey > 0) return { casesStillOnOldKey, accountsLeftWithoutKey: 0 };
  await retireHandover(oldKeyId);
  let accountsLeftWithoutKey = 0;
  // Staff is a small collection: read whole.
  for (const account of await Staff.find({}, { [staffField[kind]]: 1 }).lean()) {
    if ((account[staffField[kind]] as { keyId?: string } | null)?.keyId !== oldKeyId) continue;
    await Staff.updateOne({ _id: account._id }, { $set: { [staffField[kind]]: null }, $inc: { sessionVersion: 1 } });
    accountsLeftWithoutKey += 1;
  }
  await recordAudit({ actor: 'system', action: 'keys.retired', details: { kind, keyId: oldKeyId, accountsLeftWithoutKey } });
  return { casesStillOnOldKey, accountsLeftWithoutKey };
}

/**
 * A key handover: during a key rotation, the new private key sealed to the
 * old public key, one document per retired key (`key_handovers`, keyed by the
 * old key's id: bounded, one per rotation). Staff never give their password
 * to whoever rotates, so their new wrap is made when they next type it: the
 * old key is unwrapped as always, opens the handover, and the new key is
 * wrapped under the same password in its place. Until the handover is
 * retired, whoever holds the old key can reach the new one: retire it once
 * every holder has moved (scripts/rotate-keys.ts).
 */
import { Schema, model } from 'mongoose';
import { commissionKeyIdOfPrivateKey, openFromCommission, sealToCommission, type SealedForCommission } from './commission-key';
import { unwrapPrivateKeyForStaff, wrapPrivateKeyForStaff, type WrappedPrivateKey } from './staff-key-wrap';

export type RotatedKeyKind = 'commission' | 'identity';

const keyHandoverSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['commission', 'identity'], required: true },
    successorKeyId: { type: String, required: true },
    successor: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'key_handovers', versionKey: false },
);
export const KeyHandover = model('KeyHandover', keyHandoverSchema);

/** Seals the new private key to the old public key, once; a second rotation of the same old key must use the same new key. */
export async function openHandover(kind: RotatedKeyKind, oldPublicKeyPem: string, oldKeyId: string, newPrivateKeyPem: string): Promise<void> {
  const successorKeyId = commissionKeyIdOfPrivateKey(newPrivateKeyPem);
  const existing = await KeyHandover.findById(oldKeyId).lean();
  if (existing && existing.successorKeyId !== successorKeyId) {
    throw new Error(`Key ${oldKeyId} is already being rotated to key ${existing.successorKeyId}: finish that rotation with that key.`);
  }
  if (existing) return;
  const successor = sealToCommission(oldPublicKeyPem, Buffer.from(newPrivateKeyPem, 'utf8'));
  await KeyHandover.create({ _id: oldKeyId, kind, successorKeyId, successor, createdAt: new Date() });
}

export async function retireHandover(oldKeyId: string): Promise<boolean> {
  return (await KeyHandover.deleteOne({ _id: oldKeyId })).deletedCount > 0;
}

export interface UnwrappedKey {
  privateKeyPem: string;
  /** the wrap to store in place of the one given, when the key was handed over to its successor */
  newWrap?: WrappedPrivateKey;
}

/**
 * Unwraps a staff member's key with their password (throws WrongPasswordError
 * as unwrapPrivateKeyForStaff does) and follows handovers from it up to the
 * key the portal is configured with, so that a rotation under way (the new
 * key not yet configured) changes nothing for staff; the caller stores
 * `newWrap` if there is one.
 */
export async function unwrapFollowingHandovers(wrapped: WrappedPrivateKey, password: string, configuredKeyId: string): Promise<UnwrappedKey> {
  let privateKeyPem = await unwrapPrivateKeyForStaff(wrapped, password);
  let keyId = wrapped.keyId;
  let handedOver = false;
  // Bounded: each handover leads to another key, and a key is rotated only away from.
  for (let steps = 0; steps < 10 && keyId !== configuredKeyId; steps += 1) {
    const handover = await KeyHandover.findById(keyId).lean();
    if (!handover) break;
    privateKeyPem = openFromCommission(privateKeyPem, handover.successor as SealedForCommission).toString('utf8');
    keyId = handover.successorKeyId;
    handedOver = true;
  }
  return handedOver && keyId === configuredKeyId ? { privateKeyPem, newWrap: await wrapPrivateKeyForStaff(privateKeyPem, password) } : { privateKeyPem };
}

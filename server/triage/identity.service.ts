/**
 * Opening a reporter's identity: only an identity custodian, for one case,
 * after writing a reason. Every opening is in the audit trail with its
 * reason (never the identity itself), where supervisors can see it.
 *
 * An identity sealed to the identity key (cases/identity-sealing.ts) needs
 * the custodian's own copy of that key, opened with their password for this
 * one request; one stored before, under the case's key, opens with the
 * commission key the session unlocked, as it always did.
 */
import { recordAudit } from '../audit/audit.service';
import { readIdentity, type ReporterIdentity } from '../cases/case-content.service';
import { needsIdentityKey, openIdentityWithKey } from '../cases/identity-sealing';
import { unwrapFollowingHandovers } from '../cases/sealing/key-handover';
import { WrongPasswordError, type WrappedPrivateKey } from '../cases/sealing/staff-key-wrap';
import { refuseField } from '../lib/forms';
import { forbidden } from '../lib/http-error';
import { claimGuess } from '../staff/sign-in-guard';
import { countGuess, recordRefusal } from '../staff/sign-in.service';
import { Staff } from '../staff/staff.model';
import { unlockedDataKey, type ActionContext } from './action-context';

export async function openIdentity(ctx: ActionContext, reason: string, password = '', client = ''): Promise<ReporterIdentity | null> {
  if (!ctx.staff.roles.includes('custodian')) throw forbidden();
  const keyed = needsIdentityKey(ctx.caseDocument);
  const identity = keyed ? openIdentityWithKey(ctx.caseDocument, await identityKeyOf(ctx.staff.id, password, ctx.caseDocument.keys!.sealedForIdentity!.keyId, client)) : readWithCaseKey(ctx);
  await recordAudit({
    actor: ctx.staff.id,
    action: 'identity.opened',
    caseId: ctx.caseDocument._id.toString(),
    caseRef: ctx.caseDocument.reference,
    details: { reason, hadIdentity: identity !== null, identityKey: keyed },
  });
  return identity;
}

/** Whether the form must ask for the custodian's password. */
export function identityNeedsPassword(ctx: Pick<ActionContext, 'caseDocument'>): boolean {
  return needsIdentityKey(ctx.caseDocument);
}

/**
 * The password is a guess like a sign-in's, counted by the same guard: a
 * borrowed custodian session must not become a machine for guessing it.
 * After a rotation of the identity key, the custodian's copy is handed over
 * to the key the case is sealed to (cases/sealing/key-handover.ts).
 */
async function identityKeyOf(staffId: string, password: string, caseIdentityKeyId: string, client: string): Promise<string> {
  const staff = await Staff.findById(staffId).lean();
  if (!staff?.wrappedIdentityKey) throw refuseField('password', 'triage.identity.errors.noIdentityKey');
  const claim = await claimGuess(staffId, client);
  if (!claim.ok) {
    await recordRefusal(staff, 'locked');
    throw refuseField('password', 'triage.identity.errors.locked');
  }
  try {
    const unwrapped = await unwrapFollowingHandovers(staff.wrappedIdentityKey as WrappedPrivateKey, password, caseIdentityKeyId);
    await countGuess(staff, claim, 'signedIn');
    if (unwrapped.newWrap) {
      await Staff.updateOne({ _id: staff._id }, { $set: { wrappedIdentityKey: unwrapped.newWrap } });
      await recordAudit({ actor: staffId, action: 'staff.keyHandedOver', details: { kind: 'identity', fromKeyId: staff.wrappedIdentityKey.keyId, toKeyId: unwrapped.newWrap.keyId } });
    }
    return unwrapped.privateKeyPem;
  } catch (error) {
    if (!(error instanceof WrongPasswordError)) throw error;
    await countGuess(staff, claim, 'wrong');
    await recordRefusal(staff, 'password');
    throw refuseField('password', 'triage.identity.errors.password');
  }
}

function readWithCaseKey(ctx: ActionContext): ReporterIdentity | null {
  const dataKey = unlockedDataKey(ctx);
  try {
    return readIdentity(ctx.caseDocument, dataKey);
  } finally {
    dataKey.fill(0);
  }
}

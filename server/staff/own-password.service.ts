/**
 * A staff member replacing their own password: after a reset it is
 * required, otherwise it is their choice. The commission key, if they hold
 * it, is unwrapped with the current password and wrapped again under the
 * new one. Their other sessions end.
 */
import { unwrapPrivateKeyForStaff, wrapPrivateKeyForStaff, type WrappedPrivateKey } from '../cases/sealing/staff-key-wrap';
import { recordAudit } from '../audit/audit.service';
import { refuseField } from '../lib/forms';
import { checkPassword } from './accounts.service';
import { hashPassword, verifyPassword } from './passwords';
import { claimGuess } from './sign-in-guard';
import { countGuess, recordRefusal } from './sign-in.service';
import { Staff } from './staff.model';

export async function changeOwnPassword(input: { staffId: string; currentPassword: string; newPassword: string }, client: string): Promise<{ sessionVersion: number }> {
  const staff = await Staff.findById(input.staffId).lean();
  if (!staff) throw refuseField('currentPassword', 'staff.errors.password.wrongCurrent');
  // A current password is a guess like a sign-in's: a borrowed session must not become a guessing machine.
  const claim = await claimGuess(input.staffId, client);
  const matches = claim.ok && (await verifyPassword(staff.passwordHash, input.currentPassword));
  if (claim.ok) await countGuess(staff, claim, matches ? 'signedIn' : 'wrong');
  if (!matches) {
    await recordRefusal(staff, claim.ok ? 'password' : 'locked');
    throw refuseField('currentPassword', 'staff.errors.password.wrongCurrent');
  }
  checkPassword(input.newPassword, staff, 'newPassword');
  if (input.newPassword.normalize('NFC') === input.currentPassword.normalize('NFC')) throw refuseField('newPassword', 'staff.errors.password.sameAsCurrent');

  const wrapped = staff.wrappedCommissionKey ? await rewrap(staff.wrappedCommissionKey as WrappedPrivateKey, input.currentPassword, input.newPassword) : null;
  const wrappedIdentity = staff.wrappedIdentityKey ? await rewrap(staff.wrappedIdentityKey as WrappedPrivateKey, input.currentPassword, input.newPassword) : null;
  await Staff.updateOne(
    { _id: staff._id },
    { $set: { passwordHash: await hashPassword(input.newPassword), mustChangePassword: false, wrappedCommissionKey: wrapped, wrappedIdentityKey: wrappedIdentity }, $inc: { sessionVersion: 1 } },
  );
  await recordAudit({ actor: input.staffId, action: 'staff.passwordChanged', details: { keyRewrapped: wrapped !== null } });
  const after = await Staff.findById(staff._id, { sessionVersion: 1 }).lean();
  return { sessionVersion: after?.sessionVersion ?? staff.sessionVersion + 1 };
}

async function rewrap(wrapped: WrappedPrivateKey, currentPassword: string, newPassword: string): Promise<WrappedPrivateKey | null> {
  try {
    return await wrapPrivateKeyForStaff(await unwrapPrivateKeyForStaff(wrapped, currentPassword), newPassword);
  } catch {
    // A wrap the current password cannot open is of no use to anyone; an administrator can grant again.
    return null;
  }
}

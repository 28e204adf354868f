/**
 * Signing in: the password (which also unwraps the commission key), then a
 * one-time code. Every refusal looks the same from outside (same answer, no
 * sooner than a fixed floor) whether the address is unknown, the password
 * wrong, the account disabled or locked; the audit trail records which.
 *
 * Five failures in a row (passwords and codes together) lock the account for
 * fifteen minutes. Failures slow everyone down to one answer per floor per
 * request; a per-account growing delay would tell which addresses are
 * accounts. The per-client rate limiter (staff-area.routes.ts) caps the volume.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { unwrapPrivateKeyForStaff, type WrappedPrivateKey } from '../cases/sealing/staff-key-wrap';
import { recordAudit } from '../audit/audit.service';
import { verifyPassword } from './passwords';
import { isLocked, Staff, TotpUse, type StaffDocument } from './staff.model';
import { acceptedStep, formatSecret, openTotpSecret, otpauthUri, qrCodeDataUrl } from './totp';
import { isDuplicateKeyError } from '../lib/db';

export const lockout = { maxFailures: 5, lockMs: 15 * 60 * 1000 } as const;
export const refusalFloorMs = 600;

type Refusal = 'unknownAccount' | 'disabled' | 'locked' | 'password' | 'code' | 'codeReused' | 'stale';

export type PasswordOutcome = { ok: false } | { ok: true; staffId: string; sessionVersion: number; commissionKeyPem?: string };
export type CodeOutcome = { ok: true; mustChangePassword: boolean } | { ok: false; startOver: boolean };

export async function checkPassword(input: { email: string; password: string }, context: { commissionKeyId: string }): Promise<PasswordOutcome> {
  const started = Date.now();
  const staff = await Staff.findOne({ email: input.email.trim().toLowerCase() }).lean();
  // Checked before anything else can differ, so every path pays for one argon2id.
  const passwordMatches = await verifyPassword(staff?.passwordHash, input.password);
  const refusal: Refusal | undefined = !staff ? 'unknownAccount' : staff.disabled ? 'disabled' : isLocked(staff) ? 'locked' : passwordMatches ? undefined : 'password';
  if (refusal || !staff) {
    await recordRefusal(staff, refusal ?? 'unknownAccount');
    await sleepUntil(started + refusalFloorMs);
    return { ok: false };
  }
  const commissionKeyPem = await unwrapCommissionKey(staff, input.password, context.commissionKeyId);
  return { ok: true, staffId: String(staff._id), sessionVersion: staff.sessionVersion, commissionKeyPem };
}

export async function checkCode(
  input: { staffId: string; sessionVersion: number; code: string; keyUnlocked: boolean },
  context: { sessionSecret: string },
): Promise<CodeOutcome> {
  const started = Date.now();
  const staff = await Staff.findById(input.staffId).lean();
  if (!staff || staff.disabled || staff.sessionVersion !== input.sessionVersion || isLocked(staff)) {
    await recordRefusal(staff, !staff ? 'unknownAccount' : staff.disabled ? 'disabled' : isLocked(staff) ? 'locked' : 'stale');
    await sleepUntil(started + refusalFloorMs);
    return { ok: false, startOver: true };
  }
  const step = acceptedStep(input.code, openTotpSecret(context.sessionSecret, input.staffId, staff.totpSecretBox));
  const fresh = step !== null && step > staff.totpLastUsedStep && (await claimStep(input.staffId, step));
  if (!fresh) {
    const locked = await recordRefusal(staff, step === null ? 'code' : 'codeReused');
    await sleepUntil(started + refusalFloorMs);
    return { ok: false, startOver: locked };
  }
  await Staff.updateOne(
    { _id: staff._id },
    { $max: { totpLastUsedStep: step }, $set: { failedAttempts: 0, lockedUntil: null, totpConfirmedAt: staff.totpConfirmedAt ?? new Date() } },
  );
  if (!staff.totpConfirmedAt) await recordAudit({ actor: input.staffId, action: 'staff.totpEnrolled' });
  await recordAudit({ actor: input.staffId, action: 'staff.signIn', details: { keyUnlocked: input.keyUnlocked } });
  return { ok: true, mustChangePassword: staff.mustChangePassword };
}

export type Enrolment = { needed: false } | { needed: true; qrCodeDataUrl: string; secret: string };

/** Before the first code: the secret as a QR code and as text, for the account's owner to add to their app. */
export async function enrolmentFor(staffId: string, context: { sessionSecret: string }): Promise<Enrolment> {
  const staff = await Staff.findById(staffId).lean();
  if (!staff || staff.totpConfirmedAt) return { needed: false };
  const secret = openTotpSecret(context.sessionSecret, staffId, staff.totpSecretBox);
  return { needed: true, qrCodeDataUrl: await qrCodeDataUrl(otpauthUri(staff.email, secret)), secret: formatSecret(secret) };
}

/** Counts a failure against the account (if any) and records it. Returns whether the account is now locked. */
export async function recordRefusal(staff: StaffDocument | null, reason: Refusal): Promise<boolean> {
  const actor = staff ? String(staff._id) : 'public';
  await recordAudit({ actor, action: 'staff.signInFailed', details: { reason } });
  if (!staff || !['password', 'code', 'codeReused'].includes(reason)) return reason === 'locked';
  await Staff.updateOne({ _id: staff._id }, { $inc: { failedAttempts: 1 } });
  const after = await Staff.findById(staff._id, { failedAttempts: 1 }).lean();
  if ((after?.failedAttempts ?? 0) < lockout.maxFailures) return false;
  await Staff.updateOne({ _id: staff._id }, { $set: { failedAttempts: 0, lockedUntil: new Date(Date.now() + lockout.lockMs) } });
  await recordAudit({ actor, action: 'staff.locked', details: { minutes: lockout.lockMs / 60_000 } });
  return true;
}

// One document per account and step with a unique _id: of two requests
// racing with the same code, only one inserts it.
async function claimStep(staffId: string, step: number): Promise<boolean> {
  try {
    await TotpUse.create({ _id: `${staffId}:${step}`, staffId, at: new Date() });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

async function unwrapCommissionKey(staff: StaffDocument, password: string, commissionKeyId: string): Promise<string | undefined> {
  const wrapped = staff.wrappedCommissionKey;
  if (!wrapped) return undefined;
  const actor = String(staff._id);
  if (wrapped.keyId !== commissionKeyId) {
    await recordAudit({ actor, action: 'staff.keyMismatch', details: { heldKeyId: wrapped.keyId, configuredKeyId: commissionKeyId } });
    return undefined;
  }
  try {
    return await unwrapPrivateKeyForStaff(wrapped as WrappedPrivateKey, password);
  } catch {
    await recordAudit({ actor, action: 'staff.keyUnwrapFailed' });
    return undefined;
  }
}

async function sleepUntil(deadline: number): Promise<void> {
  const wait = deadline - Date.now();
  if (wait > 0) await sleep(wait);
}

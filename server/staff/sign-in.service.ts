/**
 * Signing in: the password (which also unwraps the commission key), then a
 * one-time code. Every refusal looks the same from outside (same answer, no
 * sooner than a fixed floor) whether the address is unknown, the password
 * wrong, the account disabled or locked; the audit trail records which.
 *
 * Five failures in a row (passwords and codes together) from one client lock
 * the account for that client for fifteen minutes; fifty from all clients
 * lock it for everyone (sign-in-guard.ts: each check claims its place first,
 * so a burst of guesses cannot be checked beyond the limit). Failures slow
 * everyone down to one answer per floor per request; a per-account growing
 * delay would tell which addresses are accounts. The per-client rate limiter
 * (staff-area.routes.ts) caps the volume.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { unwrapFollowingHandovers, type UnwrappedKey } from '../cases/sealing/key-handover';
import type { WrappedPrivateKey } from '../cases/sealing/staff-key-wrap';
import { recordAudit } from '../audit/audit.service';
import { verifyPassword } from './passwords';
import { isLocked, Staff, TotpUse, type StaffDocument } from './staff.model';
import { acceptedStep, formatSecret, openTotpSecret, otpauthUri, qrCodeDataUrl } from './totp';
import { isDuplicateKeyError } from '../lib/db';
import { claimGuess, guardLimits, type Claim, type GuessOutcome } from './sign-in-guard';

export const refusalFloorMs = 600;

type Refusal = 'unknownAccount' | 'disabled' | 'locked' | 'password' | 'code' | 'codeReused' | 'stale';

export type PasswordOutcome = { ok: false } | { ok: true; staffId: string; sessionVersion: number; commissionKeyPem?: string };
export type CodeOutcome = { ok: true; mustChangePassword: boolean } | { ok: false; startOver: boolean };

export async function checkPassword(input: { email: string; password: string }, context: { commissionKeyId: string; client: string }): Promise<PasswordOutcome> {
  const started = Date.now();
  const staff = await Staff.findOne({ email: input.email.trim().toLowerCase() }).lean();
  const claim = staff && !staff.disabled && !isLocked(staff) ? await claimGuess(String(staff._id), context.client) : undefined;
  // Checked before anything else can differ, so every path pays for one argon2id.
  const passwordMatches = await verifyPassword(staff?.passwordHash, input.password);
  const refusal: Refusal | undefined = !staff ? 'unknownAccount' : staff.disabled ? 'disabled' : !claim?.ok ? 'locked' : passwordMatches ? undefined : 'password';
  if (staff && claim?.ok) await countGuess(staff, claim, refusal === undefined ? 'passed' : 'wrong');
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
  context: { totpSecret: string; client: string },
): Promise<CodeOutcome> {
  const started = Date.now();
  const staff = await Staff.findById(input.staffId).lean();
  if (!staff || staff.disabled || staff.sessionVersion !== input.sessionVersion || isLocked(staff)) {
    await recordRefusal(staff, !staff ? 'unknownAccount' : staff.disabled ? 'disabled' : isLocked(staff) ? 'locked' : 'stale');
    await sleepUntil(started + refusalFloorMs);
    return { ok: false, startOver: true };
  }
  const claim = await claimGuess(input.staffId, context.client);
  if (!claim.ok) {
    await recordRefusal(staff, 'locked');
    await sleepUntil(started + refusalFloorMs);
    return { ok: false, startOver: true };
  }
  const step = acceptedStep(input.code, openTotpSecret(context.totpSecret, input.staffId, staff.totpSecretBox));
  const fresh = step !== null && step > staff.totpLastUsedStep && (await claimStep(input.staffId, step));
  const locked = await countGuess(staff, claim, fresh ? 'signedIn' : 'wrong');
  if (!fresh) {
    await recordRefusal(staff, step === null ? 'code' : 'codeReused');
    await sleepUntil(started + refusalFloorMs);
    return { ok: false, startOver: locked };
  }
  await Staff.updateOne(
    { _id: staff._id },
    { $max: { totpLastUsedStep: step }, $set: { totpConfirmedAt: staff.totpConfirmedAt ?? new Date() } },
  );
  if (!staff.totpConfirmedAt) await recordAudit({ actor: input.staffId, action: 'staff.totpEnrolled' });
  await recordAudit({ actor: input.staffId, action: 'staff.signIn', details: { keyUnlocked: input.keyUnlocked } });
  return { ok: true, mustChangePassword: staff.mustChangePassword };
}

export type Enrolment = { needed: false } | { needed: true; qrCodeDataUrl: string; secret: string };

/** Before the first code: the secret as a QR code and as text, for the account's owner to add to their app. */
export async function enrolmentFor(staffId: string, context: { totpSecret: string }): Promise<Enrolment> {
  const staff = await Staff.findById(staffId).lean();
  if (!staff || staff.totpConfirmedAt) return { needed: false };
  const secret = openTotpSecret(context.totpSecret, staffId, staff.totpSecretBox);
  return { needed: true, qrCodeDataUrl: await qrCodeDataUrl(otpauthUri(staff.email, secret)), secret: formatSecret(secret) };
}

/** Records a refusal in the audit trail; the guess itself was counted by its claim (countGuess). */
export async function recordRefusal(staff: StaffDocument | null, reason: Refusal): Promise<void> {
  await recordAudit({ actor: staff ? String(staff._id) : 'public', action: 'staff.signInFailed', details: { reason } });
}

/** Settles a claimed guess; returns whether it locked the account (for this client or for everyone). */
export async function countGuess(staff: StaffDocument, claim: Extract<Claim, { ok: true }>, outcome: GuessOutcome): Promise<boolean> {
  const { lockedClient, lockedAccount } = await claim.finish(outcome);
  if (lockedAccount) await Staff.updateOne({ _id: staff._id }, { $set: { lockedUntil: new Date(Date.now() + guardLimits.lockMs) } });
  if (!lockedClient && !lockedAccount) return false;
  await recordAudit({ actor: String(staff._id), action: 'staff.locked', details: { minutes: guardLimits.lockMs / 60_000, forEveryone: lockedAccount } });
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
  let unwrapped: UnwrappedKey;
  try {
    // After a key rotation the key held is handed over to the new one here (cases/sealing/key-handover.ts).
    unwrapped = await unwrapFollowingHandovers(wrapped as WrappedPrivateKey, password, commissionKeyId);
  } catch {
    await recordAudit({ actor, action: 'staff.keyUnwrapFailed' });
    return undefined;
  }
  if (unwrapped.newWrap) {
    await Staff.updateOne({ _id: staff._id }, { $set: { wrappedCommissionKey: unwrapped.newWrap } });
    await recordAudit({ actor, action: 'staff.keyHandedOver', details: { kind: 'commission', fromKeyId: wrapped.keyId, toKeyId: unwrapped.newWrap.keyId } });
    return unwrapped.privateKeyPem;
  }
  if (wrapped.keyId !== commissionKeyId) {
    await recordAudit({ actor, action: 'staff.keyMismatch', details: { heldKeyId: wrapped.keyId, configuredKeyId: commissionKeyId } });
    return undefined;
  }
  return unwrapped.privateKeyPem;
}

async function sleepUntil(deadline: number): Promise<void> {
  const wait = deadline - Date.now();
  if (wait > 0) await sleep(wait);
}

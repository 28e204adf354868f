/**
 * Staff accounts as administrators (and the set-up command) manage them:
 * create, change roles, disable and enable, reset the second factor, reset
 * the password, grant or revoke the commission key. Each change is prepared
 * (checked, hashed, wrapped) apart from being stored, so that a change that
 * needs a second person (duties.ts) can wait in a pending request with what
 * it prepared, and be stored on approval (approvals/).
 *
 * Granting needs the target's password, which only its owner should know.
 * So the key is wrapped under the one-time password the administrator sets
 * when creating or resetting the account; at first sign-in the owner must
 * choose a new password and the key is re-wrapped under it. A forgotten
 * password is a reset (and a new grant): no case is lost, as every case is
 * sealed to the commission, not to a person.
 */
import { Types } from 'mongoose';
import { commissionKeyIdOfPrivateKey } from '../cases/sealing/commission-key';
import { wrapPrivateKeyForStaff } from '../cases/sealing/staff-key-wrap';
import { recordAudit } from '../audit/audit.service';
import { forbidden, notFound } from '../lib/http-error';
import { passwordProblem } from './password-policy';
import { generatePassword, hashPassword } from './passwords';
import { forgiveAccount } from './sign-in-guard';
import { isLocked, Staff, TotpUse, type StaffDocument, type StaffRole } from './staff.model';
import { newTotpSecret, otpauthUri, sealTotpSecret } from './totp';
import { isDuplicateKeyError } from '../lib/db';
import { refuseField } from '../lib/forms';
import type { WrappedPrivateKey } from '../cases/sealing/staff-key-wrap';
import { liaisonWithOtherRoles, mixesAdminAndCaseRoles } from './duties';
import { isActiveUnit } from '../cases/taxonomy/taxonomy.service';
import { pendingApprovalFor } from './approvals/pending-approvals';

export interface AccountContext {
  /** a staff id, or 'system' for the set-up command */
  actor: string;
  totpSecret: string;
  /** the configured commission public key's id: a key to grant must match it */
  commissionKeyId: string;
  /** ALLOW_ADMIN_CASE_ROLES: an administrator may also hold case roles (a very small office) */
  allowAdminCaseRoles?: boolean;
}

export interface NewAccountInput {
  name: string;
  email: string;
  roles: StaffRole[];
  /** omitted: one is generated */
  password?: string;
  /** the owner must replace the password at first sign-in (always, when someone else chose it) */
  mustChangePassword: boolean;
  /** the commission private key to wrap for the account, if it is to open cases */
  commissionPrivateKeyPem?: string;
  /** a liaison's unit (rectification/); ignored for other roles */
  unitCode?: string;
}

export interface NewAccount {
  id: string;
  email: string;
  password: string;
  passwordGenerated: boolean;
  totpSecret: string;
  otpauthUri: string;
  keyGranted: boolean;
}

/** A new account checked and made ready to store: nothing is written yet. */
export interface PreparedAccount extends NewAccount {
  name: string;
  roles: StaffRole[];
  mustChangePassword: boolean;
  passwordHash: string;
  totpSecretBox: string;
  wrappedCommissionKey: WrappedPrivateKey | null;
  unitCode: string | null;
}

/**
 * Creates the account at once: the set-up command, and changes that need no
 * second person. Only the set-up command, whose operator holds the identity
 * key's file, gives a custodian the identity key.
 */
export async function createStaffAccount(input: NewAccountInput & { identityPrivateKeyPem?: string }, context: AccountContext & { identityKeyId?: string }): Promise<NewAccount & { identityKeyGranted: boolean }> {
  if (input.identityPrivateKeyPem) checkIdentityGrant(input.identityPrivateKeyPem, input.roles, context.identityKeyId);
  const created = await addPreparedAccount(await prepareNewAccount(input, context), context);
  if (!input.identityPrivateKeyPem) return { ...created, identityKeyGranted: false };
  await Staff.updateOne({ _id: created.id }, { $set: { wrappedIdentityKey: await wrapPrivateKeyForStaff(input.identityPrivateKeyPem, created.password) } });
  await recordAudit({ actor: context.actor, action: 'account.identityKeyGranted', details: { accountId: created.id } });
  return { ...created, identityKeyGranted: true };
}

function checkIdentityGrant(privateKeyPem: string, roles: readonly string[], identityKeyId: string | undefined): void {
  if (!roles.includes('custodian')) throw refuseField('roles', 'staff.errors.identityKeyForCustodians');
  if (!identityKeyId || commissionKeyIdOfPrivateKey(privateKeyPem) !== identityKeyId) throw refuseField('identityKey', 'staff.errors.identityKeyMismatch');
}

export async function addPreparedAccount(prepared: PreparedAccount, context: AccountContext): Promise<NewAccount> {
  await storeNewAccount(prepared);
  await recordAudit({ actor: context.actor, action: 'account.created', details: { accountId: prepared.id, roles: prepared.roles, keyGranted: prepared.keyGranted, ...(prepared.unitCode ? { unit: prepared.unitCode } : {}) } });
  return newAccountOf(prepared);
}

export async function prepareNewAccount(input: NewAccountInput, context: AccountContext): Promise<PreparedAccount> {
  const email = input.email.trim().toLowerCase();
  const password = input.password ?? generatePassword();
  const roles = [...new Set(input.roles)];
  checkDuties(roles, context);
  checkPassword(password, { email, name: input.name });
  checkGrantable(input.commissionPrivateKeyPem, context);
  if (roles.includes('liaison') && input.commissionPrivateKeyPem) throw refuseField('grantKey', 'rectification.accountErrors.liaisonNoKey');
  const unitCode = await liaisonUnit(roles, input.unitCode);
  await checkEmailFree(email);

  const id = String(new Types.ObjectId());
  const totpSecret = newTotpSecret();
  const wrapped = input.commissionPrivateKeyPem ? await wrapPrivateKeyForStaff(input.commissionPrivateKeyPem, password) : null;
  return {
    id,
    name: input.name.trim(),
    email,
    roles,
    mustChangePassword: input.mustChangePassword,
    password,
    passwordGenerated: input.password === undefined,
    passwordHash: await hashPassword(password),
    totpSecret,
    totpSecretBox: sealTotpSecret(context.totpSecret, id, totpSecret),
    otpauthUri: otpauthUri(email, totpSecret),
    wrappedCommissionKey: wrapped,
    keyGranted: wrapped !== null,
    unitCode,
  };
}

/** What a new account's document is made of, prepared now or kept in a pending request. */
export type StoredAccountFields = Pick<PreparedAccount, 'id' | 'name' | 'email' | 'roles' | 'mustChangePassword' | 'passwordHash' | 'totpSecretBox' | 'wrappedCommissionKey'> & { unitCode?: string | null };

export async function storeNewAccount(prepared: StoredAccountFields): Promise<void> {
  try {
    await Staff.create({
      _id: prepared.id,
      name: prepared.name,
      email: prepared.email,
      roles: prepared.roles,
      passwordHash: prepared.passwordHash,
      mustChangePassword: prepared.mustChangePassword,
      totpSecretBox: prepared.totpSecretBox,
      wrappedCommissionKey: prepared.wrappedCommissionKey,
      unitCode: prepared.unitCode ?? null,
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw refuseField('email', 'staff.errors.emailTaken');
    throw error;
  }
}

export function newAccountOf(prepared: PreparedAccount): NewAccount {
  const { id, email, password, passwordGenerated, totpSecret, otpauthUri: uri, keyGranted } = prepared;
  return { id, email, password, passwordGenerated, totpSecret, otpauthUri: uri, keyGranted };
}

// An address waiting in a request for a new account is taken too.
async function checkEmailFree(email: string): Promise<void> {
  if ((await Staff.exists({ email })) || (await pendingApprovalFor(`email:${email}`))) throw refuseField('email', 'staff.errors.emailTaken');
}

export interface AccountSummary {
  id: string;
  name: string;
  email: string;
  roles: StaffRole[];
  disabled: boolean;
  locked: boolean;
  totpEnrolled: boolean;
  holdsKey: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
  unitCode: string | null;
}

export async function listAccounts(): Promise<AccountSummary[]> {
  const accounts = await Staff.find().lean();
  return accounts.map((account) => summarise(account as StaffDocument)).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

export async function findAccount(accountId: string): Promise<AccountSummary | undefined> {
  const account = Types.ObjectId.isValid(accountId) ? await Staff.findById(accountId).lean() : null;
  return account ? summarise(account as StaffDocument) : undefined;
}

/** Names by id, for showing who did what (the audit trail stores ids). */
export async function staffNames(): Promise<Map<string, string>> {
  const accounts = await Staff.find({}, { name: 1 }).lean();
  return new Map(accounts.map((account) => [String(account._id), account.name]));
}

// Only what the pages show: never the hashes, sealed secret or wrapped key.
function summarise(account: StaffDocument): AccountSummary {
  return {
    id: String(account._id),
    name: account.name,
    email: account.email,
    roles: account.roles as StaffRole[],
    disabled: account.disabled,
    locked: isLocked(account),
    totpEnrolled: Boolean(account.totpConfirmedAt),
    holdsKey: Boolean(account.wrappedCommissionKey),
    mustChangePassword: account.mustChangePassword,
    createdAt: account.createdAt,
    unitCode: account.unitCode ?? null,
  };
}

export async function changeRoles(accountId: string, roles: StaffRole[], context: AccountContext, unitCode?: string): Promise<void> {
  const account = await accountToManage(accountId, context);
  const unique = [...new Set(roles)];
  checkDuties(unique, context);
  if (unique.includes('liaison') && account.wrappedCommissionKey) throw refuseField('roles', 'rectification.accountErrors.liaisonNoKey');
  const unit = await liaisonUnit(unique, unitCode);
  await checkNothingPending(accountId, 'roles');
  await storeRoles(accountId, unique, unit);
  await recordAudit({ actor: context.actor, action: 'account.rolesChanged', details: { accountId, from: account.roles, to: unique, ...(unit ? { unit } : {}) } });
}

/** unitCode: a liaison's unit, null to clear it; omitted (an approved change) leaves it. */
export async function storeRoles(accountId: string, roles: StaffRole[], unitCode?: string | null): Promise<void> {
  await Staff.updateOne({ _id: accountId }, { $set: unitCode === undefined ? { roles } : { roles, unitCode } });
}

/** A liaison's unit must be one of the unit list; other roles keep none. */
async function liaisonUnit(roles: readonly StaffRole[], unitCode: string | undefined): Promise<string | null> {
  if (!roles.includes('liaison')) return null;
  if (!unitCode || !(await isActiveUnit(unitCode))) throw refuseField('unit', 'rectification.accountErrors.unit');
  return unitCode;
}

/** Disabling ends the account's sessions at their next request. */
export async function setDisabled(accountId: string, disabled: boolean, context: AccountContext): Promise<void> {
  const account = await accountToManage(accountId, context);
  const change = disabled ? { $set: { disabled: true }, $inc: { sessionVersion: 1 } } : { $set: { disabled: false, lockedUntil: null } };
  await Staff.updateOne({ _id: account._id }, change);
  if (!disabled) await forgiveAccount(accountId);
  await recordAudit({ actor: context.actor, action: disabled ? 'account.disabled' : 'account.enabled', details: { accountId } });
}

/** A new secret, enrolled by whoever signs in next with the account's password. */
export async function resetTotp(accountId: string, context: AccountContext): Promise<void> {
  await accountToManage(accountId, context);
  await checkNothingPending(accountId, 'totp');
  await storeTotpReset(accountId, context.totpSecret);
  await recordAudit({ actor: context.actor, action: 'account.totpReset', details: { accountId } });
}

export async function storeTotpReset(accountId: string, totpSecret: string): Promise<void> {
  const totpSecretBox = sealTotpSecret(totpSecret, accountId, newTotpSecret());
  await Staff.updateOne({ _id: accountId }, { $set: { totpSecretBox, totpConfirmedAt: null, totpLastUsedStep: 0 }, $inc: { sessionVersion: 1 } });
  // Steps used with the old secret say nothing about codes of the new one.
  await TotpUse.deleteMany({ staffId: accountId });
}

export interface PreparedPasswordReset {
  password: string;
  passwordGenerated: boolean;
  passwordHash: string;
  wrappedCommissionKey: WrappedPrivateKey | null;
  keyGranted: boolean;
}

/**
 * A new one-time password; with `grantKeyPem` (the administrator's unlocked
 * key) the commission key is wrapped under it, otherwise any old wrap goes,
 * as it was under a password that no longer signs in.
 */
export async function resetPassword(
  accountId: string,
  input: { password?: string; grantKeyPem?: string },
  context: AccountContext,
): Promise<{ password: string; passwordGenerated: boolean; keyGranted: boolean }> {
  const account = await accountToManage(accountId, context);
  await checkNothingPending(accountId, 'password');
  const prepared = await preparePasswordReset(account, input, context);
  await storePasswordReset(accountId, prepared);
  await recordAudit({ actor: context.actor, action: 'account.passwordReset', details: { accountId, keyGranted: prepared.keyGranted } });
  return { password: prepared.password, passwordGenerated: prepared.passwordGenerated, keyGranted: prepared.keyGranted };
}

export async function preparePasswordReset(account: StaffDocument, input: { password?: string; grantKeyPem?: string }, context: AccountContext): Promise<PreparedPasswordReset> {
  const password = input.password ?? generatePassword();
  checkPassword(password, account);
  checkGrantable(input.grantKeyPem, context);
  if (account.roles.includes('liaison') && input.grantKeyPem) throw refuseField('grantKey', 'rectification.accountErrors.liaisonNoKey');
  const wrapped = input.grantKeyPem ? await wrapPrivateKeyForStaff(input.grantKeyPem, password) : null;
  return { password, passwordGenerated: input.password === undefined, passwordHash: await hashPassword(password), wrappedCommissionKey: wrapped, keyGranted: wrapped !== null };
}

export async function storePasswordReset(accountId: string, prepared: Pick<PreparedPasswordReset, 'passwordHash' | 'wrappedCommissionKey'>): Promise<void> {
  await Staff.updateOne(
    { _id: accountId },
    {
      // The identity key's wrap was under the old password, and no administrator holds that key to wrap it again.
      $set: { passwordHash: prepared.passwordHash, mustChangePassword: true, wrappedCommissionKey: prepared.wrappedCommissionKey, wrappedIdentityKey: null, lockedUntil: null },
      $inc: { sessionVersion: 1 },
    },
  );
  await forgiveAccount(accountId);
}

export async function revokeKey(accountId: string, context: AccountContext): Promise<void> {
  const account = await accountToManage(accountId, context);
  await Staff.updateOne({ _id: account._id }, { $set: { wrappedCommissionKey: null }, $inc: { sessionVersion: 1 } });
  await recordAudit({ actor: context.actor, action: 'account.keyRevoked', details: { accountId } });
}

export function checkPassword(password: string, account: { email?: string; name?: string }, field = 'password'): void {
  const problem = passwordProblem(password, account);
  if (problem) throw refuseField(field, `staff.errors.password.${problem}`);
}

function checkGrantable(privateKeyPem: string | undefined, context: AccountContext): void {
  if (privateKeyPem && commissionKeyIdOfPrivateKey(privateKeyPem) !== context.commissionKeyId) {
    throw refuseField('grantKey', 'staff.errors.keyMismatch');
  }
}

/** An administrator and a case role (or the custodian's) on one account: refused unless ALLOW_ADMIN_CASE_ROLES. */
export function checkDuties(roles: readonly StaffRole[], context: AccountContext): void {
  if (!context.allowAdminCaseRoles && mixesAdminAndCaseRoles(roles)) throw refuseField('roles', 'staff.errors.adminCaseRoles');
  if (liaisonWithOtherRoles(roles)) throw refuseField('roles', 'rectification.accountErrors.liaisonAlone');
}

// One change at a time waits for approval: another would be decided against a state that is about to change.
export async function checkNothingPending(accountId: string, field: string): Promise<void> {
  if (await pendingApprovalFor(`account:${accountId}`)) throw refuseField(field, 'staff.errors.awaitingApproval', 409);
}

// Administrators manage other people's accounts: their own could lock them
// out (the last administrator disabling herself), so it is refused.
export async function accountToManage(accountId: string, context: AccountContext): Promise<StaffDocument> {
  if (accountId === context.actor) throw forbidden();
  const account = Types.ObjectId.isValid(accountId) ? await Staff.findById(accountId).lean() : null;
  if (!account) throw notFound();
  return account as StaffDocument;
}

/**
 * What the administrators' account forms ask for. A change duties.ts lets an
 * administrator make alone is made at once (accounts.service.ts); any other
 * is prepared now (the password hashed, the key wrapped under the one-time
 * password) and waits in a pending request for a second person
 * (decisions.service.ts). Until then the account is exactly as it was.
 */
import {
  accountToManage,
  addPreparedAccount,
  changeRoles,
  checkDuties,
  checkNothingPending,
  newAccountOf,
  prepareNewAccount,
  preparePasswordReset,
  resetPassword,
  resetTotp,
  type AccountContext,
  type NewAccount,
  type NewAccountInput,
} from '../accounts.service';
import { grantsApproverRole, isGuardedAccount } from '../duties';
import type { StaffDocument, StaffRole } from '../staff.model';
import { addApproval } from './pending-approvals';

/** Set when the change waits for approval: until when it may be approved. */
export interface Awaiting {
  awaitingApproval?: { expiresAt: Date };
}

export async function submitNewAccount(input: NewAccountInput, context: AccountContext): Promise<NewAccount & Awaiting> {
  const prepared = await prepareNewAccount(input, context);
  if (!prepared.keyGranted && !grantsApproverRole([], prepared.roles)) return addPreparedAccount(prepared, context);
  const { passwordHash, totpSecretBox, wrappedCommissionKey } = prepared;
  const approval = await addApproval(
    {
      change: 'accountCreated',
      subject: `email:${prepared.email}`,
      accountId: prepared.id,
      name: prepared.name,
      email: prepared.email,
      roles: prepared.roles,
      grantsKey: prepared.keyGranted,
      prepared: { passwordHash, totpSecretBox, wrappedCommissionKey },
    },
    context.actor,
    'email',
  );
  return { ...newAccountOf(prepared), awaitingApproval: { expiresAt: approval.expiresAt } };
}

export async function submitRoles(accountId: string, roles: StaffRole[], context: AccountContext, unitCode?: string): Promise<Awaiting> {
  const account = await accountToManage(accountId, context);
  const unique = [...new Set(roles)];
  const from = account.roles as StaffRole[];
  if (!grantsApproverRole(from, unique)) {
    await changeRoles(accountId, unique, context, unitCode);
    return {};
  }
  checkDuties(unique, context);
  await checkNothingPending(accountId, 'roles');
  const approval = await addApproval({ change: 'rolesChanged', subject: subjectOf(accountId), accountId, fromRoles: from, roles: unique }, context.actor, 'roles');
  return { awaitingApproval: { expiresAt: approval.expiresAt } };
}

export async function submitPasswordReset(
  accountId: string,
  input: { password?: string; grantKeyPem?: string },
  context: AccountContext,
): Promise<{ password: string; passwordGenerated: boolean; keyGranted: boolean } & Awaiting> {
  const account = await accountToManage(accountId, context);
  if (!input.grantKeyPem && !guarded(account)) return resetPassword(accountId, input, context);
  await checkNothingPending(accountId, 'password');
  const { password, passwordGenerated, passwordHash, wrappedCommissionKey, keyGranted } = await preparePasswordReset(account, input, context);
  const approval = await addApproval(
    { change: 'passwordReset', subject: subjectOf(accountId), accountId, fromRoles: account.roles as StaffRole[], roles: account.roles as StaffRole[], grantsKey: keyGranted, prepared: { passwordHash, wrappedCommissionKey } },
    context.actor,
    'password',
  );
  return { password, passwordGenerated, keyGranted, awaitingApproval: { expiresAt: approval.expiresAt } };
}

/** The new secret is made on approval: nothing to prepare, as nobody sees it before the owner enrols. */
export async function submitTotpReset(accountId: string, context: AccountContext): Promise<Awaiting> {
  const account = await accountToManage(accountId, context);
  if (!guarded(account)) {
    await resetTotp(accountId, context);
    return {};
  }
  await checkNothingPending(accountId, 'totp');
  const roles = account.roles as StaffRole[];
  const approval = await addApproval({ change: 'totpReset', subject: subjectOf(accountId), accountId, fromRoles: roles, roles }, context.actor, 'totp');
  return { awaitingApproval: { expiresAt: approval.expiresAt } };
}

function guarded(account: StaffDocument): boolean {
  return isGuardedAccount({ roles: account.roles, holdsKey: Boolean(account.wrappedCommissionKey) });
}

function subjectOf(accountId: string): string {
  return `account:${accountId}`;
}

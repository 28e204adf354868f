/**
 * A second person decides a pending request: a supervisor or custodian, with
 * an active account, who neither asked for the change nor is the account it
 * is about. Approving stores what the request prepared; rejecting deletes it
 * with the request, so the account stays exactly as it was. Either way the
 * request leaves the list, and the audit trail keeps the decision.
 */
import { recordAudit } from '../../audit/audit.service';
import type { WrappedPrivateKey } from '../../cases/sealing/staff-key-wrap';
import { forbidden, notFound } from '../../lib/http-error';
import { FormRefusal, refuseField } from '../../lib/forms';
import { storeNewAccount, storePasswordReset, storeRoles, storeTotpReset } from '../accounts.service';
import { approverRoles } from '../duties';
import { Staff, type StaffRole } from '../staff.model';
import type { ApprovalDocument } from './approval.model';
import { approvalDetails, claimApproval, pendingApprovalById } from './pending-approvals';

/** Why a request was rejected: codes, so the audit trail holds no free text. */
export const rejectionReasons = ['notAgreed', 'wrongAccount', 'notNeeded', 'unverified'] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export async function approveChange(approvalId: string, approverId: string, context: { totpSecret: string }): Promise<void> {
  const approval = await decidable(approvalId, approverId);
  const stale = await staleness(approval);
  if (stale) {
    await recordAudit({ actor: approverId, action: 'approval.failed', details: { ...approvalDetails(approval), reason: stale } });
    throw refuseField('approval', 'staff.errors.approvalStale', 409);
  }
  try {
    await applyApproved(approval, context.totpSecret);
  } catch (error) {
    // Only an address taken between request and approval (another administrator, the set-up command).
    if (!(error instanceof FormRefusal)) throw error;
    await recordAudit({ actor: approverId, action: 'approval.failed', details: { ...approvalDetails(approval), reason: 'emailTaken' } });
    throw refuseField('approval', 'staff.errors.approvalEmailTaken', 409);
  }
  await recordAudit({ actor: approverId, action: 'approval.approved', details: approvalDetails(approval) });
}

export async function rejectChange(approvalId: string, approverId: string, reason: RejectionReason): Promise<void> {
  const approval = await decidable(approvalId, approverId);
  await recordAudit({ actor: approverId, action: 'approval.rejected', details: { ...approvalDetails(approval), reason } });
}

/** Whether this staff member may decide this request (the screen's buttons; the decision checks again). */
export function mayDecide(approval: Pick<ApprovalDocument, 'requestedBy' | 'accountId'>, staff: { id: string; roles: readonly string[] }): boolean {
  return staff.roles.some((role) => approverRoles.includes(role as StaffRole)) && staff.id !== approval.requestedBy && staff.id !== approval.accountId;
}

// Checked, then taken off the list: of two decisions at once, one finds it gone (404).
async function decidable(approvalId: string, approverId: string): Promise<ApprovalDocument> {
  const approval = await pendingApprovalById(approvalId);
  if (!approval) throw notFound();
  const approver = await Staff.findById(approverId).lean();
  if (!approver || approver.disabled || !mayDecide(approval, { id: String(approver._id), roles: approver.roles })) throw forbidden();
  if (!(await claimApproval(approval))) throw notFound();
  return approval;
}

/**
 * A request is approved as it was asked for. If the account or the requester
 * changed meanwhile (roles, disabled), applying it would undo that change or
 * act for someone who may no longer ask: it is withdrawn instead.
 */
async function staleness(approval: ApprovalDocument): Promise<'requesterGone' | 'accountChanged' | null> {
  const requester = await Staff.findById(approval.requestedBy, { roles: 1, disabled: 1 }).lean();
  if (!requester || requester.disabled || !requester.roles.includes('admin')) return 'requesterGone';
  if (approval.change === 'accountCreated') return null;
  const account = await Staff.findById(approval.accountId, { roles: 1, disabled: 1 }).lean();
  if (!account || account.disabled || !sameRoles(account.roles, approval.fromRoles)) return 'accountChanged';
  return null;
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

async function applyApproved(approval: ApprovalDocument, totpSecret: string): Promise<void> {
  const { accountId, prepared } = approval;
  const wrappedCommissionKey = (prepared?.wrappedCommissionKey ?? null) as WrappedPrivateKey | null;
  const roles = approval.roles as StaffRole[];
  switch (approval.change) {
    case 'accountCreated':
      return storeNewAccount({
        id: accountId,
        name: approval.name!,
        email: approval.email!,
        roles,
        mustChangePassword: true,
        passwordHash: prepared!.passwordHash!,
        totpSecretBox: prepared!.totpSecretBox!,
        wrappedCommissionKey,
      });
    case 'rolesChanged':
      return storeRoles(accountId, roles);
    case 'passwordReset':
      return storePasswordReset(accountId, { passwordHash: prepared!.passwordHash!, wrappedCommissionKey });
    case 'totpReset':
      return storeTotpReset(accountId, totpSecret);
  }
}

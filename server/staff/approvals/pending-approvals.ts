/**
 * The pending requests: one by subject, all of them (the screen), a new one,
 * taking one off the list to decide it, and expiry. An expired request is
 * deleted wherever it is met first (a look-up, the screen, the staff area's
 * sweep), with one audit entry written by whichever caller deleted it.
 */
import { Types } from 'mongoose';
import { recordAudit, type AuditDetails } from '../../audit/audit.service';
import { isDuplicateKeyError } from '../../lib/db';
import { refuseField } from '../../lib/forms';
import { approvalLifetimeHours } from '../duties';
import { Approval, type ApprovalChange, type ApprovalDocument } from './approval.model';
import type { WrappedPrivateKey } from '../../cases/sealing/staff-key-wrap';
import type { StaffRole } from '../staff.model';

export interface NewApproval {
  change: ApprovalChange;
  subject: string;
  accountId: string;
  name?: string;
  email?: string;
  fromRoles?: StaffRole[];
  roles?: StaffRole[];
  grantsKey?: boolean;
  prepared?: { passwordHash?: string; totpSecretBox?: string; wrappedCommissionKey?: WrappedPrivateKey | null };
}

export async function pendingApprovalFor(subject: string, now = new Date()): Promise<ApprovalDocument | null> {
  const found = (await Approval.findOne({ subject }).lean()) as ApprovalDocument | null;
  return found && !(await expiredAndGone(found, now)) ? found : null;
}

export async function pendingApprovalById(id: string, now = new Date()): Promise<ApprovalDocument | null> {
  const found = Types.ObjectId.isValid(id) ? ((await Approval.findById(id).lean()) as ApprovalDocument | null) : null;
  return found && !(await expiredAndGone(found, now)) ? found : null;
}

/** Every pending request, oldest first: the collection holds pending requests only. */
export async function pendingApprovals(now = new Date()): Promise<ApprovalDocument[]> {
  const live: ApprovalDocument[] = [];
  for (const approval of (await Approval.find().lean()) as ApprovalDocument[]) {
    if (!(await expiredAndGone(approval, now))) live.push(approval);
  }
  return live.sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime());
}

export async function sweepExpiredApprovals(now = new Date()): Promise<void> {
  await pendingApprovals(now);
}

/** Stores the request and records it; refused (409, beside `field`) while another waits for the same subject. */
export async function addApproval(request: NewApproval, requestedBy: string, field: string, now = new Date()): Promise<ApprovalDocument> {
  // An expired request for the subject would hold its unique key: meet it first.
  await pendingApprovalFor(request.subject, now);
  let stored;
  try {
    stored = await Approval.create({ ...request, requestedBy, requestedAt: now, expiresAt: new Date(now.getTime() + approvalLifetimeHours * 3_600_000) });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw refuseField(field, 'staff.errors.awaitingApproval', 409);
    throw error;
  }
  const approval = stored.toObject() as ApprovalDocument;
  await recordAudit({ actor: requestedBy, action: 'approval.requested', details: approvalDetails(approval) });
  return approval;
}

/** Takes the request off the list (with what it prepared): true for the one caller that did. */
export async function claimApproval(approval: ApprovalDocument): Promise<boolean> {
  const { deletedCount } = await Approval.deleteOne({ _id: approval._id });
  return deletedCount === 1;
}

/** What the audit trail says of a request: ids, role names and whether the key goes with it; never what it prepared. */
export function approvalDetails(approval: ApprovalDocument): AuditDetails {
  return {
    approvalId: String(approval._id),
    change: approval.change,
    accountId: approval.accountId,
    requestedBy: approval.requestedBy,
    from: [...approval.fromRoles],
    to: [...approval.roles],
    keyGranted: approval.grantsKey,
  };
}

async function expiredAndGone(approval: ApprovalDocument, now: Date): Promise<boolean> {
  if (approval.expiresAt.getTime() > now.getTime()) return false;
  if (await claimApproval(approval)) await recordAudit({ actor: 'system', action: 'approval.expired', details: approvalDetails(approval) });
  return true;
}

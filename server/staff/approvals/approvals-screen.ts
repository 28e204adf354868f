/**
 * The rows of the approvals screen: each pending request with the names it
 * concerns, what it changes, until when it may be decided and whether the
 * viewer may decide it. Never what the request prepared.
 */
import { chinaMinuteOf } from '../../lib/china-time';
import { Staff } from '../staff.model';
import { mayDecide } from './decisions.service';
import { pendingApprovals } from './pending-approvals';

export interface ApprovalRow {
  id: string;
  change: string;
  name: string;
  email: string;
  fromRoles: string[];
  roles: string[];
  grantsKey: boolean;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  canDecide: boolean;
  /** why the viewer may not decide it: they asked for it, or it is about their own account */
  yours?: 'requester' | 'subject';
}

export async function approvalsForScreen(viewer: { id: string; roles: readonly string[] }): Promise<ApprovalRow[]> {
  const [approvals, accounts] = await Promise.all([pendingApprovals(), Staff.find({}, { name: 1, email: 1 }).lean()]);
  const byId = new Map(accounts.map((account) => [String(account._id), account]));
  return approvals.map((approval) => {
    const account = byId.get(approval.accountId);
    return {
      id: String(approval._id),
      change: approval.change,
      name: approval.name ?? account?.name ?? approval.accountId,
      email: approval.email ?? account?.email ?? '',
      fromRoles: [...approval.fromRoles],
      roles: [...approval.roles],
      grantsKey: approval.grantsKey,
      requestedBy: byId.get(approval.requestedBy)?.name ?? approval.requestedBy,
      requestedAt: chinaMinuteOf(approval.requestedAt),
      expiresAt: chinaMinuteOf(approval.expiresAt),
      canDecide: mayDecide(approval, viewer),
      yours: approval.requestedBy === viewer.id ? 'requester' : approval.accountId === viewer.id ? 'subject' : undefined,
    };
  });
}

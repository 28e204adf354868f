/**
 * Opening a reporter's identity: only an identity custodian, for one case,
 * after writing a reason. Every opening is in the audit trail with its
 * reason (never the identity itself), where supervisors can see it.
 */
import { recordAudit } from '../audit/audit.service';
import { readIdentity, type ReporterIdentity } from '../cases/case-content.service';
import { forbidden } from '../lib/http-error';
import { unlockedDataKey, type ActionContext } from './action-context';

export async function openIdentity(ctx: ActionContext, reason: string): Promise<ReporterIdentity | null> {
  if (!ctx.staff.roles.includes('custodian')) throw forbidden();
  const dataKey = unlockedDataKey(ctx);
  try {
    const identity = readIdentity(ctx.caseDocument, dataKey);
    await recordAudit({
      actor: ctx.staff.id,
      action: 'identity.opened',
      caseId: ctx.caseDocument._id.toString(),
      caseRef: ctx.caseDocument.reference,
      details: { reason, hadIdentity: identity !== null },
    });
    return identity;
  } finally {
    dataKey.fill(0);
  }
}

/**
 * 报送: a report about the commission's own staff is passed up to the
 * higher commission. A supervisor records the day it went; the deadline is
 * the transfer limit from receipt (cases/deadlines.ts). On the timeline
 * (staff only) and in the audit trail.
 */
import { recordAudit } from '../audit/audit.service';
import { addCaseEvent } from '../cases/case-move.service';
import { Case, type CaseDocument } from '../cases/case.model';
import { passUpDueDate } from '../cases/deadlines';
import { chinaDateOf } from '../lib/china-time';
import { refuseField } from '../lib/forms';
import type { ActionContext } from '../triage/action-context';

/** Only a case about the commission's own staff, not yet passed up, and still open. */
export function mayBePassedUp(caseDocument: Pick<CaseDocument, 'concernsCommission' | 'passedUpDate' | 'status'>): boolean {
  return Boolean(caseDocument.concernsCommission) && !caseDocument.passedUpDate && caseDocument.status !== 'closed';
}

export async function recordPassUp(ctx: ActionContext, form: { passedUpOn: string }): Promise<void> {
  const { caseDocument } = ctx;
  if (form.passedUpOn > chinaDateOf(new Date()) || form.passedUpOn < caseDocument.receivedDate) throw refuseField('passedUpOn', 'handlingRules.errors.passedUpOnRange');
  const dueDate = passUpDueDate(caseDocument.receivedDate);
  await Case.updateOne({ _id: caseDocument._id }, { $set: { passedUpDate: form.passedUpOn } });
  const details = { passedUpOn: form.passedUpOn, dueDate, late: form.passedUpOn > dueDate };
  await addCaseEvent({ caseId: caseDocument._id, actorId: ctx.staff.id, type: 'passedUp', details, visibleToReporter: false });
  await recordAudit({ actor: ctx.staff.id, action: 'case.passedUp', caseId: caseDocument._id.toString(), caseRef: caseDocument.reference, details });
}

/**
 * 反馈: staff record how and when they told the reporter that the case was
 * accepted, or of its result (via the portal, by telephone, by letter, in
 * person). Kept on the case (the latest of each), on the timeline (staff
 * only), in the audit trail and in the month's counts by way.
 */
import { recordAudit } from '../audit/audit.service';
import { addCaseEvent } from '../cases/case-move.service';
import { Case, type CaseDocument } from '../cases/case.model';
import { chinaDateOf } from '../lib/china-time';
import { refuseField } from '../lib/forms';
import type { ActionContext } from '../triage/action-context';
import { countFeedback } from './feedback-counts.model';
import type { FeedbackSubject, FeedbackWay } from './handling-rules.schema';

export interface FeedbackForm {
  about: FeedbackSubject;
  way: FeedbackWay;
  toldOn: string;
}

/** There is something to tell: the case was accepted, or it has a result (concluded, declined, transferred). */
export function hasSomethingToTell(caseDocument: Pick<CaseDocument, 'acceptedDate' | 'concludedDate' | 'decision'>): boolean {
  return Boolean(caseDocument.acceptedDate || caseDocument.concludedDate || caseDocument.decision);
}

export async function recordFeedback(ctx: ActionContext, form: FeedbackForm): Promise<void> {
  const { caseDocument } = ctx;
  if (form.toldOn > chinaDateOf(new Date()) || form.toldOn < caseDocument.receivedDate) throw refuseField('toldOn', 'handlingRules.errors.toldOnRange');
  if (form.about === 'acceptance' && !caseDocument.acceptedDate) throw refuseField('about', 'handlingRules.errors.notAccepted', 409);
  if (form.about === 'result' && !caseDocument.concludedDate && !caseDocument.decision) throw refuseField('about', 'handlingRules.errors.noResult', 409);
  const caseId = caseDocument._id.toString();
  const told = { way: form.way, toldOn: form.toldOn };
  await Case.updateOne({ _id: caseDocument._id }, { $set: { [form.about === 'acceptance' ? 'toldAcceptance' : 'toldResult']: told } });
  await countFeedback(caseDocument.monthKey, caseId, { subject: form.about, way: form.way });
  const details = { about: form.about, way: form.way, toldOn: form.toldOn };
  await addCaseEvent({ caseId: caseDocument._id, actorId: ctx.staff.id, type: 'feedback', details, visibleToReporter: false });
  await recordAudit({ actor: ctx.staff.id, action: 'case.feedback', caseId, caseRef: caseDocument.reference, details });
}

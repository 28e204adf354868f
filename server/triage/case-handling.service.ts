/**
 * Handling that does not change a case's stage: who works on it, how urgent
 * it is, which other cases it relates to. Each is on the timeline (staff
 * only) and in the audit trail; the handler is told by mail (reference only).
 */
import { recordAudit } from '../audit/audit.service';
import { Case } from '../cases/case.model';
import { HttpError } from '../lib/http-error';
import { enqueueMail } from '../notifications/outbox.service';
import { Staff } from '../staff/staff.model';
import { addEvent, type ActionContext } from './case-actions.service';

export async function assignCase(ctx: ActionContext, handlerId: string, publicUrl: string): Promise<void> {
  const handler = /^[0-9a-f]{24}$/.test(handlerId) ? await Staff.findById(handlerId).lean() : null;
  if (!handler || handler.disabled || !handler.roles.includes('handler')) throw new HttpError(422, 'notAHandler');
  await Case.updateOne({ _id: ctx.caseDocument._id }, { $set: { assigneeId: handlerId } });
  await addEvent(ctx, 'assigned', { assigneeId: handlerId }, false);
  await audit(ctx, 'case.assigned', { assigneeId: handlerId });
  await enqueueMail({ to: handler.email, template: 'caseAssigned', data: { publicUrl, reference: ctx.caseDocument.reference } });
}

export async function setPriority(ctx: ActionContext, priority: 'normal' | 'high'): Promise<void> {
  await Case.updateOne({ _id: ctx.caseDocument._id }, { $set: { priority } });
  await addEvent(ctx, 'priority', { priority }, false);
  await audit(ctx, 'case.priority', { priority });
}

export async function linkCase(ctx: ActionContext, otherReference: string): Promise<void> {
  if (otherReference === ctx.caseDocument.reference || !(await Case.exists({ reference: otherReference }))) throw new HttpError(422, 'unknownCase');
  const related = new Set([...(ctx.caseDocument.relatedReferences ?? []), otherReference]);
  await Case.updateOne({ _id: ctx.caseDocument._id }, { $set: { relatedReferences: [...related].sort() } });
  await addEvent(ctx, 'linked', { reference: otherReference }, false);
  await audit(ctx, 'case.linked', { reference: otherReference });
}

function audit(ctx: ActionContext, action: string, details: Record<string, string>): Promise<unknown> {
  return recordAudit({ actor: ctx.staff.id, action, caseId: ctx.caseDocument._id.toString(), caseRef: ctx.caseDocument.reference, details });
}

/**
 * Handling that does not change a case's stage: who works on it, how urgent
 * it is, which other cases it relates to. Each is on the timeline (staff
 * only) and in the audit trail; the handler is told by mail (reference only).
 */
import { recordAudit } from '../audit/audit.service';
import { recordCaseChange } from '../cases/case-changes';
import { addCaseEvent } from '../cases/case-move.service';
import { caseIdForReference } from '../cases/case-reference-key.model';
import { Case } from '../cases/case.model';
import { refuseField } from '../lib/forms';
import { enqueueMail } from '../notifications/outbox.service';
import { Staff } from '../staff/staff.model';
import type { ActionContext } from './action-context';

export async function assignCase(ctx: ActionContext, form: { handlerId: string }, publicUrl: string): Promise<void> {
  const { handlerId } = form;
  const handler = /^[0-9a-f]{24}$/.test(handlerId) ? await Staff.findById(handlerId).lean() : null;
  if (!handler || handler.disabled || !handler.roles.includes('handler')) throw refuseField('handlerId', 'triage.errors.notAHandler');
  await Case.updateOne({ _id: ctx.caseDocument._id }, { $set: { assigneeId: handlerId } });
  await recordCaseChange(withChange(ctx, { assigneeId: handlerId }));
  await staffOnlyEvent(ctx, 'assigned', { assigneeId: handlerId });
  await audit(ctx, 'case.assigned', { assigneeId: handlerId });
  await enqueueMail({ to: handler.email, template: 'caseAssigned', data: { publicUrl, reference: ctx.caseDocument.reference } });
}

export async function setPriority(ctx: ActionContext, form: { priority: 'normal' | 'high' }): Promise<void> {
  await Case.updateOne({ _id: ctx.caseDocument._id }, { $set: { priority: form.priority } });
  await recordCaseChange(withChange(ctx, { priority: form.priority }));
  await staffOnlyEvent(ctx, 'priority', { priority: form.priority });
  await audit(ctx, 'case.priority', { priority: form.priority });
}

export async function linkCase(ctx: ActionContext, form: { reference: string }): Promise<void> {
  const other = form.reference;
  if (other === ctx.caseDocument.reference || !(await caseIdForReference(other))) throw refuseField('reference', 'triage.errors.unknownCase');
  const related = new Set([...(ctx.caseDocument.relatedReferences ?? []), other]);
  await Case.updateOne({ _id: ctx.caseDocument._id }, { $set: { relatedReferences: [...related].sort() } });
  await staffOnlyEvent(ctx, 'linked', { reference: other });
  await audit(ctx, 'case.linked', { reference: other });
}

/** The case as it is after a change that keeps its stage, for its lists. */
function withChange(ctx: ActionContext, change: Record<string, string>) {
  return { ...ctx.caseDocument, ...change };
}

function staffOnlyEvent(ctx: ActionContext, type: string, details: Record<string, string>): Promise<void> {
  return addCaseEvent({ caseId: ctx.caseDocument._id, actorId: ctx.staff.id, type, details, visibleToReporter: false });
}

function audit(ctx: ActionContext, action: string, details: Record<string, string>): Promise<unknown> {
  return recordAudit({ actor: ctx.staff.id, action, caseId: ctx.caseDocument._id.toString(), caseRef: ctx.caseDocument.reference, details });
}

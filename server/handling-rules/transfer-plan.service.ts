/**
 * 转办: intake marks an accepted case as one to be transferred. From then
 * the transfer limit (DEADLINE_TRANSFER_WORKING_DAYS from its acceptance)
 * is its deadline, when that comes before its conclusion target, so it is
 * shown, listed and counted overdue like every deadline; moving it on to
 * transferred ends it. Written under the case's move lock, so a move at the
 * same moment cannot be given the wrong deadline.
 */
import { recordAudit } from '../audit/audit.service';
import { recordCaseChange } from '../cases/case-changes';
import { addCaseEvent } from '../cases/case-move.service';
import { Case, type CaseDocument } from '../cases/case.model';
import { dueDateInStage, transferPlanInForce, type StageDates } from '../cases/deadlines';
import { chinaDateOf } from '../lib/china-time';
import { HttpError } from '../lib/http-error';
import { withLock } from '../lib/locks';
import type { ActionContext } from '../triage/action-context';

const plannable = ['accepted', 'investigating'];

export function mayBePlannedForTransfer(caseDocument: Pick<CaseDocument, 'status' | 'transferPlannedDate' | 'reopenedDate'>): boolean {
  return plannable.includes(caseDocument.status) && !transferPlanInForce(caseDocument);
}

export async function planTransfer(ctx: ActionContext): Promise<void> {
  const { caseDocument } = ctx;
  const transferPlannedDate = chinaDateOf(new Date());
  const set = { transferPlannedDate, dueDate: dueDateInStage(caseDocument.status, { ...caseDocument, transferPlannedDate } as StageDates) };
  let written = false;
  const locked = await withLock(`case-move:${caseDocument._id.toString()}`, { waitMs: 3_000 }, async () => {
    const current = await Case.findById(caseDocument._id, { status: 1, transferPlannedDate: 1, reopenedDate: 1 }).lean();
    if (!current || current.status !== caseDocument.status || !mayBePlannedForTransfer(current)) return;
    await Case.updateOne({ _id: caseDocument._id }, { $set: set });
    written = true;
  });
  if (!locked || !written) throw new HttpError(409, 'caseChanged');
  await recordCaseChange({ ...caseDocument, ...set });
  const details = { dueDate: set.dueDate ?? '' };
  await addCaseEvent({ caseId: caseDocument._id, actorId: ctx.staff.id, type: 'transferPlanned', details, visibleToReporter: false });
  await recordAudit({ actor: ctx.staff.id, action: 'case.transferPlanned', caseId: caseDocument._id.toString(), caseRef: caseDocument.reference, details });
}

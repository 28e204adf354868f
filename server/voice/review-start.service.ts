/**
 * A case goes to review (复查) when its reporter objects to the answer, or
 * adds information after it was answered. The review has its own deadline
 * (DEADLINE_REVIEW_WORKING_DAYS, cases/deadlines.ts) and is assigned to a
 * supervisor other than the one who decided the case; that one may not act
 * on it at all (case-actions.ts). The move is the reporter's: its event keeps
 * only the day, and no staff audit entry is written for it.
 */
import { moveCase } from '../cases/case-move.service';
import { canMove, type CaseStage } from '../cases/case-stages';
import type { CaseDocument } from '../cases/case.model';
import { chinaDateOf } from '../lib/china-time';
import { Staff } from '../staff/staff.model';

export type ReviewTrigger = 'objection' | 'addition';

export function canStartReview(caseDocument: Pick<CaseDocument, 'status'>): boolean {
  return canMove(caseDocument.status as CaseStage, 'review');
}

export async function startReview(caseDocument: CaseDocument, trigger: ReviewTrigger): Promise<void> {
  await moveCase({
    caseDocument,
    actorId: 'reporter',
    to: 'review',
    byReporter: true,
    set: { reviewStartedDate: chinaDateOf(new Date()), reviewerId: await reviewerFor(caseDocument) },
    details: { trigger },
    eventType: trigger === 'addition' ? 'reviewAfterAddition' : 'review',
  });
}

/**
 * The first active supervisor (by id) who did not decide the case. Staff
 * accounts are few, so reading them is bounded; null when there is no other
 * supervisor (then any other supervisor may take it up).
 */
async function reviewerFor(caseDocument: CaseDocument): Promise<string | null> {
  const supervisors = await Staff.find({ roles: 'supervisor', disabled: false }, { _id: 1 }).lean();
  const others = supervisors.map((staff) => staff._id.toString()).filter((id) => id !== caseDocument.decidedBy).sort();
  return others[0] ?? null;
}

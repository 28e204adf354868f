/**
 * What happens next on a reporter's case and by when, from the deadlines the
 * case keeps with its stage (cases/deadlines.ts). Answered cases have no
 * date of the commission's own: a transfer is answered by the other body, a
 * declined or closed case has no further step unless the reporter objects.
 */
import type { CaseDocument } from '../cases/case.model';
import { dueDateInStage } from '../cases/deadlines';

export type NextStepKind = 'acceptance' | 'conclusion' | 'resultNotice' | 'review' | 'otherBody' | 'declined' | 'none';

export interface NextStep {
  kind: NextStepKind;
  /** YYYY-MM-DD, or null when the stage has no deadline of the commission's */
  date: string | null;
}

const byStage: Record<string, NextStepKind> = {
  new: 'acceptance',
  accepted: 'conclusion',
  investigating: 'conclusion',
  concluded: 'resultNotice',
  review: 'review',
  transferred: 'otherBody',
  declined: 'declined',
  closed: 'none',
};

export function nextStepOf(caseDocument: CaseDocument): NextStep {
  const kind = byStage[caseDocument.status] ?? 'none';
  const hasDate = kind === 'acceptance' || kind === 'conclusion' || kind === 'resultNotice' || kind === 'review';
  // The stored due date is kept with the stage; cases stored before it was kept get it worked out again.
  const date = hasDate ? (caseDocument.dueDate ?? dueDateInStage(caseDocument.status, caseDocument)) : null;
  return { kind, date };
}

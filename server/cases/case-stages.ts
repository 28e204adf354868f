/**
 * A case's stages and the moves between them. The reporter sees the stage;
 * staff may only make the moves listed here (checked on the server).
 */
export const caseStages = ['new', 'accepted', 'declined', 'transferred', 'investigating', 'concluded', 'review', 'closed'] as const;
export type CaseStage = (typeof caseStages)[number];

/** What intake decided when it did not accept a case; kept when the case is closed afterwards. */
export const caseDecisions = ['declined', 'transferred'] as const;
export type CaseDecision = (typeof caseDecisions)[number];

/** Cases from before cases kept their decision: the stage still tells it, until they are closed. */
export function decisionFromStage(status: string): CaseDecision | null {
  return (caseDecisions as readonly string[]).includes(status) ? (status as CaseDecision) : null;
}

export const caseKinds = ['complaint', 'suggestion', 'praise'] as const;
export type CaseKind = (typeof caseKinds)[number];

export const reporterTypes = ['resident', 'business', 'undisclosed'] as const;
export type ReporterType = (typeof reporterTypes)[number];

export const outcomes = ['substantiated', 'partlySubstantiated', 'notSubstantiated'] as const;
export type Outcome = (typeof outcomes)[number];

// 警告 (warning) joined later; it is kept last but one so older lists keep their order.
export const measures = ['talk', 'criticism', 'notice', 'accountability', 'warning', 'other'] as const;
export type Measure = (typeof measures)[number];

const allowedMoves: Record<CaseStage, readonly CaseStage[]> = {
  new: ['accepted', 'declined', 'transferred'],
  accepted: ['investigating', 'transferred', 'concluded'],
  investigating: ['concluded', 'transferred'],
  concluded: ['closed', 'review'],
  declined: ['closed', 'review'],
  transferred: ['closed', 'review'],
  // review (复查): a reporter's objection, or new information on a closed case (voice/).
  review: ['investigating', 'closed'],
  closed: ['review'],
};

/** The stages a reporter may rate and object from: the commission has answered. */
export const answeredStages: readonly CaseStage[] = ['concluded', 'declined', 'transferred', 'closed'];

export function canMove(from: CaseStage, to: CaseStage): boolean {
  return allowedMoves[from].includes(to);
}

export function nextStages(from: CaseStage): readonly CaseStage[] {
  return allowedMoves[from];
}

export const stageOrder: Record<CaseStage, number> = {
  new: 0,
  accepted: 1,
  investigating: 2,
  concluded: 3,
  transferred: 4,
  declined: 4,
  closed: 5,
  // Sorted with the cases that need work. Entering review is a move back, which starts a new round (case-figures.ts).
  review: 1,
};

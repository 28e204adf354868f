import type { CaseDocument } from '../../server/cases/case.model';
import { dueDateInStage } from '../../server/cases/deadlines';
import { nextStepOf } from '../../server/tracking/next-step';

const caseIn = (fields: Partial<CaseDocument>): CaseDocument => ({ status: 'new', acceptDueDate: '2026-12-23', dueDate: null, acceptedDate: null, concludedDate: null, reviewStartedDate: null, reopenedDate: null, ...fields }) as CaseDocument;

describe('the next step a reporter is shown', () => {
  it('when the case keeps the due date of its stage, then that is the date of the next step', () => {
    expect(nextStepOf(caseIn({ status: 'new', dueDate: '2026-12-23' }))).toEqual({ kind: 'acceptance', date: '2026-12-23' });
    expect(nextStepOf(caseIn({ status: 'investigating', acceptedDate: '2026-12-02', dueDate: '2027-03-02' }))).toEqual({ kind: 'conclusion', date: '2027-03-02' });
  });

  it('when a case stored before due dates were kept has none, then the date is worked out from its stage dates', () => {
    const accepted = caseIn({ status: 'accepted', acceptedDate: '2026-12-02' });
    expect(nextStepOf(accepted)).toEqual({ kind: 'conclusion', date: dueDateInStage('accepted', accepted) });
    const concluded = caseIn({ status: 'concluded', concludedDate: '2026-12-02' });
    expect(nextStepOf(concluded)).toEqual({ kind: 'resultNotice', date: dueDateInStage('concluded', concluded) });
    const review = caseIn({ status: 'review', reviewStartedDate: '2026-12-02' });
    expect(nextStepOf(review).date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('when the commission has answered, then there is no date of its own: another body, the reporter\'s objection, or nothing', () => {
    expect(nextStepOf(caseIn({ status: 'transferred', dueDate: '2026-12-09' }))).toEqual({ kind: 'otherBody', date: null });
    expect(nextStepOf(caseIn({ status: 'declined' }))).toEqual({ kind: 'declined', date: null });
    expect(nextStepOf(caseIn({ status: 'closed' }))).toEqual({ kind: 'none', date: null });
  });
});

/**
 * The transfer plan in a case's figures, as pure functions: marking a case to
 * be transferred is a later state within its stage (so the roll-up takes its
 * new deadline), it survives the month's line, lines from before read as not
 * planned, and a case reopened after the plan is not held to it.
 */
import { decodeFigures, encodeFigures, figuresOfCase, stageOf, type CaseLike } from '../../server/cases/case-figures';
import { dueDateInStage, transferDueDate, transferPlanInForce } from '../../server/cases/deadlines';

const accepted: CaseLike = {
  _id: 'c1', monthKey: '2026-11', kind: 'complaint', reporterType: 'resident', unitCode: 'rsj', categoryCode: 'inaction', status: 'accepted',
  acceptedDate: '2026-11-02', dueDate: '2027-02-02', round: 0, channel: 'web',
};

describe('the transfer plan in the figures', () => {
  it('when an accepted case is marked to be transferred, then it is later than the unmarked state and earlier than the next stage', () => {
    const plain = figuresOfCase(accepted);
    const planned = figuresOfCase({ ...accepted, transferPlannedDate: '2026-12-01', dueDate: transferDueDate('2026-11-02') });
    expect(planned.transferPlanned).toBe(true);
    expect(stageOf(planned)).toBeGreaterThan(stageOf(plain));
    expect(stageOf(planned)).toBeLessThan(stageOf(figuresOfCase({ ...accepted, status: 'investigating' })));
  });

  it('when the figures are written to the month\'s line and read back, then the plan is kept; a line from before reads as not planned', () => {
    const planned = figuresOfCase({ ...accepted, transferPlannedDate: '2026-12-01' });
    expect(decodeFigures('2026-11', encodeFigures(planned))).toEqual(planned);
    const before = encodeFigures(figuresOfCase(accepted)).replace(/,0\]$/, ']');
    expect(decodeFigures('2026-11', before).transferPlanned).toBe(false);
  });

  it('when a case marked to be transferred is reopened later, then the plan is no longer in force and its deadline is the conclusion target', () => {
    const dates = { acceptDueDate: '2026-11-20', acceptedDate: '2026-11-02', transferPlannedDate: '2026-11-03' };
    expect(dueDateInStage('investigating', dates)).toBe(transferDueDate('2026-11-02'));
    const reopened = { ...dates, reopenedDate: '2026-12-01' };
    expect(transferPlanInForce(reopened)).toBe(false);
    expect(dueDateInStage('investigating', reopened)).toBe('2027-03-01');
  });
});

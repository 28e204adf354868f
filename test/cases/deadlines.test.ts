import { addMonths, defaultDeadlineRules, dueDateInStage, receiptDates, setDeadlineRules } from '../../server/cases/deadlines';

afterEach(() => setDeadlineRules(defaultDeadlineRules));

describe('case deadlines', () => {
  it('when a report arrives just before National Day, then acceptance is due 15 working days later, skipping the holiday', () => {
    // 2026-09-30 (Wed): 1–7 Oct are holidays; 8, 9, 10 (make-up Saturday), 12–16, 19–23, 26, 27 Oct are the 15 working days.
    const dates = receiptDates(new Date('2026-09-30T02:00:00Z'));
    expect(dates).toEqual({ receivedDate: '2026-09-30', monthKey: '2026-09', year: '2026', acceptDueDate: '2026-10-27' });
  });

  it('when the rules are configured shorter, then the deadline follows', () => {
    setDeadlineRules({ ...defaultDeadlineRules, acceptance: 5 });
    expect(receiptDates(new Date('2026-11-02T02:00:00Z')).acceptDueDate).toBe('2026-11-09');
  });

  it('when months are added to the end of a month, then the day is clamped to the shorter month', () => {
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonths('2026-01-15', 1)).toBe('2026-02-15');
  });

  it('when a case moves between stages, then the due date is the one of its stage', () => {
    const dates = { acceptDueDate: '2026-11-23', acceptedDate: '2026-11-10', concludedDate: '2026-12-01' };
    expect(dueDateInStage('new', dates)).toBe('2026-11-23');
    expect(dueDateInStage('accepted', dates)).toBe('2027-02-10');
    expect(dueDateInStage('investigating', dates)).toBe('2027-02-10');
    expect(dueDateInStage('concluded', dates)).toBe('2026-12-22');
    expect(dueDateInStage('closed', dates)).toBeNull();
    expect(dueDateInStage('declined', dates)).toBeNull();
  });
});

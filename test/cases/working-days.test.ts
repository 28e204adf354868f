import fc from 'fast-check';
import { addWorkingDays, deadlineStatus, isWorkingDay, loadCalendar, workingDaysBetween, type CalendarEntry } from '../../server/cases/working-days';
import { chinaDateOf } from '../../server/lib/china-time';

const calendar = loadCalendar();

// Any day from 2025 to 2028: before, inside and after the shipped years.
const anyDate = fc
  .integer({ min: Date.UTC(2025, 0, 1) / 86_400_000, max: Date.UTC(2028, 11, 31) / 86_400_000 })
  .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));

describe('the shipped calendar', () => {
  test('when loaded, then 2026 comes from the State Council notice and 2027 is marked provisional', () => {
    expect(calendar.years.get(2026)?.provisional).toBe(false);
    expect(calendar.years.get(2026)?.sources[0]).toContain('2026年部分节假日安排');
    expect(calendar.years.get(2026)?.holidays.size).toBe(33);
    expect(calendar.years.get(2026)?.workdays.size).toBe(6);
    expect(calendar.years.get(2027)?.provisional).toBe(true);
    expect(calendar.years.get(2027)?.notes[0]).toMatch(/Administrators must replace/);
  });
});

describe('National Day 2026', () => {
  test('when the holiday runs 1 to 7 October, then none of those days is a working day', () => {
    for (let day = 1; day <= 7; day += 1) expect(isWorkingDay(`2026-10-0${day}`, calendar)).toBe(false);
    expect(isWorkingDay('2026-10-08', calendar)).toBe(true);
  });

  test('when Sunday 20 September and Saturday 10 October are make-up days, then both are working days', () => {
    expect(isWorkingDay('2026-09-20', calendar)).toBe(true);
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true);
    expect(isWorkingDay('2026-10-11', calendar)).toBe(false);
  });

  test('when a report arrives the day before Mid-Autumn, then the 15-day acceptance deadline skips both holidays', () => {
    expect(addWorkingDays('2026-09-24', 15, calendar)).toBe('2026-10-22');
  });

  test('when a case must move on 30 September, then the next working day is 8 October', () => {
    expect(addWorkingDays('2026-09-30', 1, calendar)).toBe('2026-10-08');
    expect(workingDaysBetween('2026-09-30', '2026-10-11', calendar)).toBe(3);
  });
});

describe('Spring Festival 2026', () => {
  test('when the holiday runs 15 to 23 February, then a 5-day transfer from the Friday before ends on 27 February', () => {
    for (let day = 15; day <= 23; day += 1) expect(isWorkingDay(`2026-02-${day}`, calendar)).toBe(false);
    expect(addWorkingDays('2026-02-13', 5, calendar)).toBe('2026-02-27');
  });
});

describe('make-up working days', () => {
  test('when a Saturday is a make-up day, then it counts like any weekday', () => {
    expect(isWorkingDay('2026-02-28', calendar)).toBe(true);
    expect(isWorkingDay('2026-03-07', calendar)).toBe(false);
    expect(addWorkingDays('2026-05-08', 1, calendar)).toBe('2026-05-09');
  });
});

describe('year boundaries', () => {
  test('when a deadline crosses into 2027, then New Year’s Day is skipped', () => {
    expect(addWorkingDays('2026-12-24', 15, calendar)).toBe('2027-01-15');
    expect(workingDaysBetween('2026-12-24', '2027-01-15', calendar)).toBe(15);
  });

  test('when a deadline runs into a year the calendar lacks, then only weekends are skipped', () => {
    expect(addWorkingDays('2027-12-28', 5, calendar)).toBe('2028-01-04');
    expect(isWorkingDay('2030-10-01', calendar)).toBe(true);
    expect(isWorkingDay('2030-10-05', calendar)).toBe(false);
  });
});

describe('addWorkingDays and workingDaysBetween', () => {
  test('when n working days are added to any date, then counting back gives n and the deadline is a working day', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 60 }), (date, n) => {
        const due = addWorkingDays(date, n, calendar);
        expect(workingDaysBetween(date, due, calendar)).toBe(n);
        if (n > 0) expect(isWorkingDay(due, calendar)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('when the end is not after the start, then no working days lie between', () => {
    expect(workingDaysBetween('2026-03-10', '2026-03-10', calendar)).toBe(0);
    expect(workingDaysBetween('2026-03-10', '2026-03-02', calendar)).toBe(0);
  });
});

describe('chinaDateOf', () => {
  test('when it is 23:30 UTC, then it is already the next day in China', () => {
    expect(chinaDateOf(new Date('2026-09-30T23:30:00Z'))).toBe('2026-10-01');
    expect(chinaDateOf(new Date('2026-12-31T15:59:59.999Z'))).toBe('2026-12-31');
    expect(chinaDateOf(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  test('when the server runs in another time zone, then the China date does not change', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(chinaDateOf(new Date('2026-09-30T23:30:00Z'))).toBe('2026-10-01');
      expect(addWorkingDays('2026-03-06', 1, calendar)).toBe('2026-03-09');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('deadlineStatus', () => {
  test('when the due date draws near across a make-up Saturday, then it turns from green to amber to red', () => {
    expect(deadlineStatus('2026-10-14', '2026-10-08', calendar)).toBe('green');
    expect(deadlineStatus('2026-10-14', '2026-10-09', calendar)).toBe('green');
    expect(deadlineStatus('2026-10-14', '2026-10-10', calendar)).toBe('amber');
    expect(deadlineStatus('2026-10-14', '2026-10-14', calendar)).toBe('amber');
    expect(deadlineStatus('2026-10-14', '2026-10-15', calendar)).toBe('red');
  });

  test('when a holiday lies before the due date, then its days do not count as remaining', () => {
    expect(deadlineStatus('2026-10-08', '2026-09-27', calendar)).toBe('green');
    expect(deadlineStatus('2026-10-08', '2026-09-28', calendar)).toBe('amber');
  });

  test('when compared with counting, then amber means at most 3 working days remain', () => {
    fc.assert(
      fc.property(anyDate, anyDate, (due, today) => {
        const expected = today > due ? 'red' : workingDaysBetween(today, due, calendar) <= 3 ? 'amber' : 'green';
        expect(deadlineStatus(due, today, calendar)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('input validation', () => {
  test('when a date is malformed or does not exist, then it is refused', () => {
    for (const bad of ['2026-2-3', '2026-02-30', '20260203', '', '0099-01-01', '2026-02-03T00:00']) {
      expect(() => isWorkingDay(bad, calendar)).toThrow(RangeError);
    }
  });

  test('when the number of working days is negative or fractional, then it is refused', () => {
    expect(() => addWorkingDays('2026-03-02', -1, calendar)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02', 1.5, calendar)).toThrow(RangeError);
  });

  test('when the instant is not a valid date, then chinaDateOf refuses it', () => {
    expect(() => chinaDateOf(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('loadCalendar with administrators’ entries', () => {
  const published2027: CalendarEntry = {
    year: 2027,
    holidays: ['2027-01-01', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09'],
    workdays: ['2027-01-30'],
    source: 'test notice',
  };

  test('when a confirmed 2027 entry arrives, then it replaces the provisional derivation', () => {
    const merged = loadCalendar([published2027]);
    expect(merged.years.get(2027)?.provisional).toBe(false);
    expect(isWorkingDay('2027-02-05', merged)).toBe(true);
    expect(isWorkingDay('2027-02-09', merged)).toBe(false);
    expect(isWorkingDay('2027-01-30', merged)).toBe(true);
    expect(isWorkingDay('2026-10-01', merged)).toBe(false);
  });

  test('when an entry reclassifies a shipped date, then the later entry wins', () => {
    const merged = loadCalendar([{ year: 2026, holidays: [], workdays: ['2026-10-04'], source: 'correction' }]);
    expect(isWorkingDay('2026-10-04', merged)).toBe(true);
    expect(isWorkingDay('2026-10-05', merged)).toBe(false);
  });

  test('when an entry has a date in the wrong year, a weekday make-up day or a date in both lists, then it is refused', () => {
    const base = { year: 2028, source: 'test' };
    expect(() => loadCalendar([{ ...base, holidays: ['2027-10-01'], workdays: [] }])).toThrow(/not in 2028/);
    expect(() => loadCalendar([{ ...base, holidays: [], workdays: ['2028-01-04'] }])).toThrow(/not a weekend day/);
    expect(() => loadCalendar([{ ...base, holidays: ['2028-01-29'], workdays: ['2028-01-29'] }])).toThrow(/both/);
    expect(() => loadCalendar([{ ...base, holidays: ['2028-02-30'], workdays: [] }])).toThrow(/not a YYYY-MM-DD/);
  });
});

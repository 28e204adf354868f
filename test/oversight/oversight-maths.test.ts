/** The pure parts of oversight: percentiles, months, the small-count rule, CSV cells, how a case is remembered. */
import fc from 'fast-check';
import { csvCell, toCsv } from '../../server/oversight/csv';
import { addMonthsToKey, isCompleteMonth, isReportableMonth, lastDayOf, lastTwelveMonths } from '../../server/oversight/months';
import { decodeFigures, encodeFigures, figuresOfCase } from '../../server/cases/case-figures';
import { contributions } from '../../server/oversight/rollup-figures';
import { applySmallCountRule } from '../../server/oversight/small-counts';
import { nearestRankPercentile, summariseDays } from '../../server/oversight/statistics';
import { disclosedSmallCounts, possibleValues } from './suppression-check';

describe('percentiles', () => {
  it('when values are 1,2,3,4,5,6,10, then the median is 4 and the 90th percentile 10 (nearest rank)', () => {
    const bins = [1, 2, 3, 4, 5, 6, 10].map((value) => ({ value, count: 1 }));
    expect(summariseDays(bins)).toEqual({ count: 7, median: 4, p90: 10 });
  });

  it('when the count is even, then the median is the lower middle value', () => {
    expect(nearestRankPercentile([{ value: 15, count: 1 }, { value: 20, count: 1 }, { value: 25, count: 1 }, { value: 30, count: 1 }], 50)).toBe(20);
  });

  it('when there are no values, then there is no percentile', () => {
    expect(summariseDays([])).toEqual({ count: 0, median: null, p90: null });
  });

  it('when a histogram is compared with the sorted list it stands for, then nearest rank picks the same value', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 100 }), (values, percent) => {
      const sorted = [...values].sort((a, b) => a - b);
      const counts = new Map<number, number>();
      for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
      const bins = [...counts].map(([value, count]) => ({ value, count }));
      expect(nearestRankPercentile(bins, percent)).toBe(sorted[Math.ceil((percent / 100) * values.length) - 1]);
    }));
  });
});

describe('months', () => {
  it('when stepping across a year, then months roll over', () => {
    expect(addMonthsToKey('2026-01', -1)).toBe('2025-12');
    expect(addMonthsToKey('2026-03', -12)).toBe('2025-03');
    expect(lastTwelveMonths('2026-03')[0]).toBe('2025-04');
    expect(lastDayOf('2024-02')).toBe('2024-02-29');
  });

  it('when a month is in progress or to come, then it is reportable to staff only while in progress and never public', () => {
    const now = new Date('2026-03-15T04:00:00Z');
    expect(isReportableMonth('2026-03', now)).toBe(true);
    expect(isReportableMonth('2026-04', now)).toBe(false);
    expect(isCompleteMonth('2026-03', now)).toBe(false);
    expect(isCompleteMonth('2026-02', now)).toBe(true);
    expect(isReportableMonth('2026-13', now)).toBe(false);
  });
});

describe('the small-count rule', () => {
  const published = (cells: Array<{ key: string; value: number }>) => applySmallCountRule(cells).cells.map((cell) => cell.count);

  it('when exactly one unit is below 5, then a second figure is withheld so the first cannot be had by subtraction', () => {
    const cells = [{ key: 'a', value: 9 }, { key: 'b', value: 6 }, { key: 'c', value: 2 }];
    const result = published(cells);
    expect(result).toEqual([{ kind: 'shown', value: 9 }, { kind: 'withheld' }, { kind: 'fewerThanFive' }]);
    expect(disclosedSmallCounts(result, 17)).toEqual([]);
    expect(possibleValues(result, 17)[2]).toEqual([0, 1, 2, 3]);
  });

  it('when every hidden unit would have to be 4, then a further figure is withheld', () => {
    const result = published([{ key: 'a', value: 12 }, { key: 'b', value: 4 }, { key: 'c', value: 4 }]);
    expect(result[0]).toEqual({ kind: 'withheld' });
    expect(disclosedSmallCounts(result, 20)).toEqual([]);
  });

  it('when two hidden units could still be several values, then nothing more is withheld', () => {
    expect(published([{ key: 'a', value: 12 }, { key: 'b', value: 1 }, { key: 'c', value: 3 }])).toEqual([{ kind: 'shown', value: 12 }, { kind: 'fewerThanFive' }, { kind: 'fewerThanFive' }]);
  });

  it('when nothing can be shown safely, then the whole table is withheld', () => {
    expect(applySmallCountRule([{ key: 'a', value: 3 }]).withheld).toBe(true);
  });

  it('when any table is published with its total, then no hidden count above zero can be worked out, and no shown count is below 5', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 14 }), { minLength: 1, maxLength: 9 }), (values) => {
      const table = applySmallCountRule(values.map((value, index) => ({ key: String(index), value })));
      const cells = table.cells.map((cell) => cell.count);
      const total = values.reduce((sum, value) => sum + value, 0);
      if (table.withheld) return;
      expect(disclosedSmallCounts(cells, total)).toEqual([]);
      cells.forEach((cell, index) => {
        if (cell.kind === 'shown') expect(cell).toEqual({ kind: 'shown', value: values[index] });
        if (cell.kind === 'shown') expect(values[index]).toBeGreaterThanOrEqual(5);
        if (cell.kind === 'fewerThanFive') expect(values[index]).toBeLessThan(5);
        if (cell.kind === 'withheld') expect(values[index]).toBeGreaterThanOrEqual(5);
      });
    }), { numRuns: 2000 });
  });
});

describe('CSV', () => {
  it('when a cell starts like a formula (= + - @ tab CR), then it gets a leading quote; numbers stay numbers', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\rcmd')).toBe('"\'\rcmd"');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('区行政审批局, 二楼')).toBe('"区行政审批局, 二楼"');
  });

  it('when a table is written, then it starts with a byte-order mark and ends lines with CRLF', () => {
    expect(toCsv([['单位', '件数'], ['区公安局', 3]])).toBe('\uFEFF单位,件数\r\n区公安局,3\r\n');
  });
});

describe('what a case contributes', () => {
  it('when a concluded case is encoded and decoded, then its figures come back the same', () => {
    const figures = figuresOfCase({
      _id: '65f000000000000000000001', monthKey: '2026-03', kind: 'complaint', reporterType: 'business', unitCode: 'xzspj', categoryCode: 'favours',
      concernsCommission: true, status: 'concluded', acceptedDate: '2026-03-05', outcome: 'substantiated', measures: ['talk', 'talk', 'notice'],
      workingDaysToAcceptance: 2, workingDaysToConclusion: 17, dueDate: '2026-04-20',
    });
    expect(decodeFigures('2026-03', encodeFigures(figures).split('\n')[0])).toEqual(figures);
    expect(contributions(figures)).toEqual(expect.arrayContaining([['measure', 'talk'], ['measure', 'notice'], ['openDue', '2026-04|concluded'], ['unitOutcome', 'xzspj|substantiated'], ['daysToConclusion', '17']]));
    expect(contributions(figures).filter(([dimension]) => dimension === 'measure')).toHaveLength(2);
  });
});

/**
 * The periods a unit is assessed over: a quarter (`2026-Q4`) or a year
 * (`2026`), as the months they hold and the first and last day, for the
 * case list's `from` / `to` filters. Months after the current one are not
 * part of a period yet: a period in progress counts what has come in so far.
 */
import { currentMonth, earliestMonth, lastDayOf } from '../oversight/months';

export interface AssessmentPeriod {
  id: string;
  kind: 'quarter' | 'year';
  year: number;
  quarter: number | null;
  /** the months that have begun, oldest first */
  months: string[];
  from: string;
  to: string;
  complete: boolean;
}

const quarterPattern = /^(\d{4})-Q([1-4])$/;
const yearPattern = /^(\d{4})$/;

/** The period an id names, or null when it is not one or lies wholly in the future or before the earliest month. */
export function parsePeriod(id: string, now = new Date()): AssessmentPeriod | null {
  const quarterMatch = quarterPattern.exec(id);
  const yearMatch = yearPattern.exec(id);
  if (!quarterMatch && !yearMatch) return null;
  const year = Number((quarterMatch ?? yearMatch)![1]);
  const quarter = quarterMatch ? Number(quarterMatch[2]) : null;
  const firstNumber = quarter ? (quarter - 1) * 3 + 1 : 1;
  const count = quarter ? 3 : 12;
  const all = Array.from({ length: count }, (_, index) => `${year}-${String(firstNumber + index).padStart(2, '0')}`);
  const current = currentMonth(now);
  const months = all.filter((month) => month <= current && month >= earliestMonth);
  if (months.length === 0) return null;
  return {
    id, kind: quarter ? 'quarter' : 'year', year, quarter, months,
    from: `${all[0]}-01`, to: lastDayOf(all[all.length - 1]), complete: all[all.length - 1] < current,
  };
}

/** The periods offered on the index: this year's quarters so far and last year's, the last three years. */
export function recentPeriods(now = new Date()): { quarters: string[]; years: string[] } {
  const [year, month] = currentMonth(now).split('-').map(Number);
  const quarters: string[] = [];
  for (let index = 0; index < 8; index += 1) {
    const quarterIndex = year * 4 + Math.floor((month - 1) / 3) - index;
    quarters.push(`${Math.floor(quarterIndex / 4)}-Q${(quarterIndex % 4) + 1}`);
  }
  return { quarters, years: [year, year - 1, year - 2].map(String) };
}

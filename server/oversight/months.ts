/**
 * Month keys ('YYYY-MM', China time, as cases store them in monthKey) and the
 * arithmetic the reports need: the month before, the same month a year
 * before, the last twelve, and the last day of a month.
 */
import { chinaDateOf } from '../lib/china-time';

export const monthPattern = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The first month a report may be asked for; earlier keys are refused as nonsense. */
export const earliestMonth = '2020-01';

export function isMonthKey(value: unknown): value is string {
  return typeof value === 'string' && monthPattern.test(value);
}

export function currentMonth(now = new Date()): string {
  return chinaDateOf(now).slice(0, 7);
}

export function addMonthsToKey(month: string, delta: number): string {
  const [year, monthNumber] = month.split('-').map(Number);
  const index = year * 12 + (monthNumber - 1) + delta;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function previousMonth(month: string): string {
  return addMonthsToKey(month, -1);
}

export function sameMonthLastYear(month: string): string {
  return addMonthsToKey(month, -12);
}

/** The twelve months ending with `month`, oldest first. */
export function lastTwelveMonths(month: string): string[] {
  return Array.from({ length: 12 }, (_, index) => addMonthsToKey(month, index - 11));
}

export function lastDayOf(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  const day = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, '0')}`;
}

/** A month a report can exist for: well-formed, not before earliestMonth, not in the future. */
export function isReportableMonth(month: string, now = new Date()): boolean {
  return isMonthKey(month) && month >= earliestMonth && month <= currentMonth(now);
}

/** Months every day of which has passed: what the public page publishes. */
export function isCompleteMonth(month: string, now = new Date()): boolean {
  return isMonthKey(month) && month >= earliestMonth && month < currentMonth(now);
}

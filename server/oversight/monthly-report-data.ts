/**
 * Reading what a monthly report or the public page needs from the roll-up:
 * the month itself, the month before, the same month a year before and the
 * twelve months of the trend, each read by _id; plus the unit and category
 * names (inactive ones too: old cases keep their codes).
 */
import { Category } from '../cases/taxonomy/category.model';
import { Unit } from '../cases/taxonomy/unit.model';
import { translator, type Language } from '../lib/i18n';
import { otherUnitCode } from '../cases/taxonomy/taxonomy-seed';
import { lastDayOf, lastTwelveMonths, previousMonth, sameMonthLastYear } from './months';
import { binsFromCounts, summariseDays, type DaySummary } from './statistics';
import type { Counter, Dimension, MonthCounts } from './rollup-figures';
import { storedCounts } from './rollup-counts';
import { rollupMonths } from './rollup.service';

export interface Names {
  units: Array<{ code: string; name: string; active: boolean }>;
  categories: Array<{ code: string; name: string; active: boolean }>;
}

export interface MonthlyReportMonths {
  month: string;
  previous: string;
  yearAgo: string;
  trend: string[];
}

export function monthlyReportMonths(month: string): MonthlyReportMonths {
  return { month, previous: previousMonth(month), yearAgo: sameMonthLastYear(month), trend: lastTwelveMonths(month) };
}

/** Reads each month's dimensions by _id, all at once. */
export async function readCounts(wanted: ReadonlyMap<string, readonly Dimension[]>): Promise<Map<string, MonthCounts>> {
  const entries = await Promise.all([...wanted].map(async ([month, dims]) => [month, await storedCounts(month, dims)] as const));
  return new Map(entries);
}

export async function taxonomyNames(lang: Language): Promise<Names> {
  const [units, categories] = await Promise.all([Unit.find({}).lean(), Category.find({}).lean()]);
  const named = (list: Array<{ code: string; nameZh: string; nameEn: string; order?: number | null; active?: boolean | null }>) =>
    [...list].sort((a, b) => (a.order ?? 0) - (b.order ?? 0)).map((entry) => ({ code: entry.code, name: lang === 'zh' ? entry.nameZh : entry.nameEn, active: entry.active !== false }));
  // The form's 「其他（请注明）」 asks the reporter to name the unit; in figures it is simply 其他.
  const other = translator(lang)('reportPrint.otherUnit');
  return { units: named(units).map((unit) => (unit.code === otherUnitCode ? { ...unit, name: other } : unit)), categories: named(categories) };
}

export function countOf(counts: MonthCounts | undefined, dimension: Dimension, key = ''): number {
  return counts?.get(dimension)?.get(key)?.n ?? 0;
}

export function publicCountOf(counts: MonthCounts | undefined, dimension: Dimension, key = ''): number {
  return counts?.get(dimension)?.get(key)?.p ?? 0;
}

export function valuesOf(counts: MonthCounts | undefined, dimension: Dimension): Map<string, Counter> {
  return counts?.get(dimension) ?? new Map();
}

export function daySummary(counts: MonthCounts | undefined, dimension: 'daysToAcceptance' | 'daysToConclusion', use: 'n' | 'p' = 'n'): DaySummary {
  const values = valuesOf(counts, dimension);
  return summariseDays(binsFromCounts(new Map([...values].map(([key, counter]) => [key, counter[use]]))));
}

/**
 * Cases overdue at the end of `month`, by stage: cases now in a stage with a
 * deadline (new, accepted, investigating, concluded) whose deadline fell on
 * or before the month's last day, whatever month they were received in.
 * "Now in that stage" is what "not yet moved on" means: a move sets the next
 * stage's deadline. For the current month it counts what will be overdue at
 * its end unless it moves on.
 */
export async function overdueAtEndOf(month: string): Promise<Map<string, number>> {
  const months = (await rollupMonths()).filter((received) => received <= month);
  const counts = await readCounts(new Map(months.map((received) => [received, ['openDue'] as const])));
  const byStage = new Map<string, number>();
  for (const monthCounts of counts.values()) {
    for (const [key, counter] of valuesOf(monthCounts, 'openDue')) {
      const [dueMonth, stage] = key.split('|');
      if (dueMonth <= month) byStage.set(stage, (byStage.get(stage) ?? 0) + counter.n);
    }
  }
  return byStage;
}

/** The last day counted by overdueAtEndOf, for the note under the table. */
export const overdueCutOff = lastDayOf;

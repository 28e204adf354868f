/** The list of monthly reports: every month from the first with cases to now, newest first, with its total. */
import type { Language } from '../lib/i18n';
import { monthLabel } from './month-label';
import { currentMonth } from './months';
import { countOf, readCounts } from './monthly-report-data';
import { ensureRollupBuilt, rollupMonths } from './rollup.service';

export interface IndexEntry {
  month: string;
  name: string;
  received: number;
  current: boolean;
}

export async function monthlyReportIndex(lang: Language, now = new Date()): Promise<IndexEntry[]> {
  await ensureRollupBuilt();
  const thisMonth = currentMonth(now);
  const months = await rollupMonths();
  if (!months.includes(thisMonth)) months.push(thisMonth);
  const counts = await readCounts(new Map(months.map((month) => [month, ['total'] as const])));
  return months.reverse().map((month) => ({ month, name: monthLabel(month, lang), received: countOf(counts.get(month), 'total'), current: month === thisMonth }));
}

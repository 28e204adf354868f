/**
 * The public figures at /figures: for each complete month, how many cases
 * were received (in total, by kind of problem, by unit), how they ended, and
 * how fast they were handled, with no free text and nothing that points at
 * a reporter.
 *
 * - Only complete months: a page that changes during the month would tell
 *   a watcher when a report came in.
 * - Cases about the commission's own staff count in the month's total and
 *   only in the rows marked "or not broken down" (the merged "other" rows),
 *   never in any other row, so their number cannot be had by subtraction.
 *   They are left out of the outcomes and the handling times altogether.
 * - Unit counts below 5 follow the small-count rule (small-counts.ts).
 * - Handling times are shown when based on at least 5 cases.
 */
import { outcomes } from '../cases/case-stages';
import { otherUnitCode } from '../cases/taxonomy/taxonomy-seed';
import type { Language } from '../lib/i18n';
import { totalsChart, type Chart } from './charts';
import { monthLabel } from './month-label';
import { addMonthsToKey, currentMonth, lastTwelveMonths, previousMonth } from './months';
import { countOf, daySummary, publicCountOf, readCounts, taxonomyNames, valuesOf, type Names } from './monthly-report-data';
import type { Translate } from './monthly-report-table';
import type { Dimension, MonthCounts } from './rollup-figures';
import { ensureRollupBuilt, rollupMonths } from './rollup.service';
import { publicChannelRows, type PublicChannelRow } from './public-channel-figures';
import { headlineRates, type HeadlineRate } from './headline-rates';
import { applySmallCountRule, smallCountThreshold, type PublicCount } from './small-counts';

export interface PublicRow {
  name: string;
  count: PublicCount;
  /** the count as the page shows it: a number, "fewer than 5" or "withheld" */
  text: string;
  merged?: boolean;
}

export interface PublicFigures {
  month: string;
  monthName: string;
  total: number;
  rates: HeadlineRate[];
  categories: PublicRow[];
  units: { rows: PublicRow[]; withheld: boolean };
  channels: { rows: PublicChannelRow[]; withheld: boolean };
  outcomes: PublicRow[];
  acceptanceMedian: number | null;
  conclusionMedian: number | null;
  trend: Array<{ month: string; name: string; total: number }>;
  chart: Chart;
  months: Array<{ month: string; name: string; current: boolean }>;
}

const otherCategoryCode = 'other';
/** Not a unit code: codes are lowercase letters, digits and dashes. */
const mergedKey = ' merged';

export async function publicFigures(month: string, lang: Language, t: Translate): Promise<PublicFigures> {
  // No folding in here: a public page should not take locks or write. The periodic fold
  // (every 5 s) keeps these finished months' figures at most a few seconds behind.
  await ensureRollupBuilt();
  const trendMonths = lastTwelveMonths(month);
  const wanted = new Map<string, readonly Dimension[]>(trendMonths.map((m) => [m, ['total']]));
  wanted.set(month, ['total', 'category', 'unit', 'outcome', 'daysToAcceptance', 'daysToConclusion', 'channel', 'accepted']);
  const [counts, names, known] = await Promise.all([
    readCounts(wanted),
    taxonomyNames(lang),
    rollupMonths(),
  ]);
  const current = counts.get(month);
  const rates = await headlineRates(month, current);
  const notBrokenDown = countOf(current, 'total') - publicCountOf(current, 'total');
  const named = (list: Names['units'], dimension: 'category' | 'unit', skip: string) =>
    withExtraCodes(list, current, dimension).filter((entry) => entry.code !== skip && (entry.active || publicCountOf(current, dimension, entry.code) > 0));
  const categories: PublicRow[] = [
    ...named(names.categories, 'category', otherCategoryCode).map(({ code, name }) => row(name, shown(publicCountOf(current, 'category', code)), t)),
    row(t('oversight.figures.noCategory'), shown(publicCountOf(current, 'category', 'none')), t),
    { ...row(t('oversight.figures.otherOrNotBrokenDown'), shown(publicCountOf(current, 'category', otherCategoryCode) + notBrokenDown), t), merged: true },
  ];
  const units = named(names.units, 'unit', otherUnitCode);
  const unitCells = [
    ...units.map(({ code }) => ({ key: code, value: publicCountOf(current, 'unit', code) })),
    { key: mergedKey, value: publicCountOf(current, 'unit', otherUnitCode) + notBrokenDown },
  ];
  const unitNames = new Map([...units.map((unit) => [unit.code, unit.name] as const), [mergedKey, t('oversight.figures.otherUnitsOrNotBrokenDown')]]);
  const unitTable = applySmallCountRule(unitCells);
  const acceptance = daySummary(current, 'daysToAcceptance', 'p');
  const conclusion = daySummary(current, 'daysToConclusion', 'p');
  const trend = trendMonths.map((m) => ({ month: m, name: monthLabel(m, lang), total: countOf(counts.get(m), 'total') }));
  return {
    month,
    monthName: monthLabel(month, lang),
    total: countOf(current, 'total'),
    rates,
    categories,
    units: { withheld: unitTable.withheld, rows: unitTable.cells.map((cell) => ({ ...row(unitNames.get(cell.key) ?? cell.key, cell.count, t), merged: cell.key === mergedKey })) },
    channels: publicChannelRows(current, t),
    outcomes: outcomes.map((outcome) => row(t(`tracking.outcomes.${outcome}`), shown(publicCountOf(current, 'outcome', outcome)), t)),
    acceptanceMedian: acceptance.count >= smallCountThreshold ? acceptance.median : null,
    conclusionMedian: conclusion.count >= smallCountThreshold ? conclusion.median : null,
    trend,
    chart: totalsChart(trend, t('oversight.figures.chartTitle'), t('oversight.figures.chartDesc', { from: trend[0].name, to: trend[trend.length - 1].name }), lang),
    months: publishedMonths(known).map((m) => ({ month: m, name: monthLabel(m, lang), current: m === month })),
  };
}

/** The complete months with figures, newest first, at most two years. */
export function publishedMonths(known: readonly string[], now = new Date()): string[] {
  const last = previousMonth(currentMonth(now));
  const first = addMonthsToKey(last, -23);
  return known.filter((m) => m >= first && m <= last).reverse();
}

function row(name: string, count: PublicCount, t: Translate): PublicRow {
  const text = count.kind === 'shown' ? String(count.value) : t(`oversight.figures.${count.kind}`);
  return { name, count, text };
}

function shown(value: number): PublicCount {
  return { kind: 'shown', value };
}

function withExtraCodes(list: Names['units'], counts: MonthCounts | undefined, dimension: 'category' | 'unit'): Names['units'] {
  const known = new Set(list.map((entry) => entry.code));
  const extra = [...valuesOf(counts, dimension).keys()].filter((code) => !known.has(code) && code !== 'none').sort();
  return [...list, ...extra.map((code) => ({ code, name: code, active: false }))];
}

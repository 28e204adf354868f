/**
 * The tables of the monthly report. Each figure is a count of the cases
 * received in a month and links to the case list with the same filters.
 */
import { outcomes } from '../cases/case-stages';
import type { Language } from '../lib/i18n';
import { monthLabel } from './month-label';
import { lastDayOf } from './months';
import { countOf, daySummary, valuesOf, type Names, type MonthlyReportMonths } from './monthly-report-data';
import { casesLink, changeCell, figure, type MonthlyReportCell, type MonthlyReportRow, type MonthlyReportTable, type Translate } from './monthly-report-table';
import type { MonthCounts } from './rollup-figures';
import { change } from './statistics';

export interface MonthlyReportContext {
  months: MonthlyReportMonths;
  counts: Map<string, MonthCounts>;
  names: Names;
  t: Translate;
  lang: Language;
}

export interface FigureSpec {
  /** a locale key, or the text itself when literal */
  label: string;
  literal?: boolean;
  value: (counts: MonthCounts | undefined) => number | null;
  filters: Record<string, string>;
}

/** Several cases about the same unit and the same kind of problem in one month. */
export const recurringThreshold = 3;
const stagesWithDeadlines = ['new', 'accepted', 'investigating', 'concluded'] as const;

export function comparisonTable(ctx: MonthlyReportContext, id: string, specs: FigureSpec[]): MonthlyReportTable {
  const { month, previous, yearAgo } = ctx.months;
  return {
    ...tableHead(ctx, id, [ctx.t('oversight.report.columns.item'), ...comparisonColumns(ctx)]),
    rows: specs.map((spec) => ({
      label: spec.literal ? spec.label : ctx.t(spec.label),
      cells: comparisonCells([month, previous, yearAgo].map((m) => spec.value(ctx.counts.get(m))) as Trio, (m) => casesLink({ month: m, ...spec.filters }), ctx.months),
    })),
  };
}

type Trio = [number | null, number | null, number | null];

function comparisonColumns(ctx: MonthlyReportContext): string[] {
  const { t, lang, months } = ctx;
  return [monthLabel(months.month, lang), monthLabel(months.previous, lang), t('oversight.report.columns.change'), monthLabel(months.yearAgo, lang), t('oversight.report.columns.change')];
}

function comparisonCells([now, before, yearAgo]: Trio, link: (month: string) => string, months: MonthlyReportMonths): MonthlyReportCell[] {
  return [figure(now, link(months.month)), figure(before, link(months.previous)), changeCell(change(now, before)), figure(yearAgo, link(months.yearAgo)), changeCell(change(now, yearAgo))];
}

export function handlingTimesTable(ctx: MonthlyReportContext): MonthlyReportTable {
  const row = (label: string, dimension: 'daysToAcceptance' | 'daysToConclusion', pick: 'median' | 'p90' | 'count', filters: Record<string, string>): FigureSpec => ({
    label, value: (counts) => daySummary(counts, dimension)[pick], filters,
  });
  return {
    ...comparisonTable(ctx, 'handling-times', [
      row('oversight.report.rows.acceptanceMedian', 'daysToAcceptance', 'median', { accepted: 'yes' }),
      row('oversight.report.rows.acceptanceP90', 'daysToAcceptance', 'p90', { accepted: 'yes' }),
      row('oversight.report.rows.acceptanceCount', 'daysToAcceptance', 'count', { accepted: 'yes' }),
      row('oversight.report.rows.conclusionMedian', 'daysToConclusion', 'median', { outcome: 'any' }),
      row('oversight.report.rows.conclusionP90', 'daysToConclusion', 'p90', { outcome: 'any' }),
      row('oversight.report.rows.conclusionCount', 'daysToConclusion', 'count', { outcome: 'any' }),
    ]),
    note: ctx.t('oversight.report.notes.handling-times'),
  };
}

export function overdueTable(ctx: MonthlyReportContext, overdue: Map<string, number>): MonthlyReportTable {
  const { month } = ctx.months;
  const rows: MonthlyReportRow[] = stagesWithDeadlines.map((stage) => ({
    label: ctx.t(`tracking.stages.${stage}`),
    cells: [figure(overdue.get(stage) ?? 0, casesLink({ dueBy: month, status: stage }))],
  }));
  const total = stagesWithDeadlines.reduce((sum, stage) => sum + (overdue.get(stage) ?? 0), 0);
  rows.push({ label: ctx.t('oversight.report.rows.total'), cells: [figure(total, casesLink({ dueBy: month }))] });
  return {
    ...tableHead(ctx, 'overdue', [ctx.t('oversight.report.columns.stage'), ctx.t('oversight.report.columns.overdueAt', { date: lastDayOf(month) })]),
    rows,
    note: ctx.t('oversight.report.notes.overdue', { date: lastDayOf(month) }),
  };
}

export function unitOutcomeTable(ctx: MonthlyReportContext): MonthlyReportTable {
  const { month, previous, yearAgo } = ctx.months;
  const current = ctx.counts.get(month);
  const byOutcome = (counts: MonthCounts | undefined, unit: string, outcome: string) => valuesOf(counts, 'unitOutcome').get(`${unit}|${outcome}`)?.n ?? 0;
  const units = namedCodes(ctx, 'unit').filter(({ code }) => countOf(current, 'unit', code) > 0);
  const ranked = units
    .map((unit, order) => ({ ...unit, order, substantiated: byOutcome(current, unit.code, 'substantiated'), partly: byOutcome(current, unit.code, 'partlySubstantiated'), received: countOf(current, 'unit', unit.code) }))
    .sort((a, b) => b.substantiated - a.substantiated || b.partly - a.partly || b.received - a.received || a.order - b.order);
  return {
    ...tableHead(ctx, 'units-by-outcome', [
      ctx.t('oversight.report.columns.unit'), ...outcomes.map((outcome) => ctx.t(`tracking.outcomes.${outcome}`)), ctx.t('oversight.report.rows.notConcluded'),
      ctx.t('oversight.report.columns.received'), `${ctx.t('tracking.outcomes.substantiated')} · ${monthLabel(previous, ctx.lang)}`, `${ctx.t('tracking.outcomes.substantiated')} · ${monthLabel(yearAgo, ctx.lang)}`,
    ]),
    rows: ranked.map((unit) => ({
      label: unit.name,
      cells: [
        ...[...outcomes, 'none'].map((outcome) => figure(byOutcome(current, unit.code, outcome), casesLink({ month, unit: unit.code, outcome }))),
        figure(unit.received, casesLink({ month, unit: unit.code })),
        figure(byOutcome(ctx.counts.get(previous), unit.code, 'substantiated'), casesLink({ month: previous, unit: unit.code, outcome: 'substantiated' })),
        figure(byOutcome(ctx.counts.get(yearAgo), unit.code, 'substantiated'), casesLink({ month: yearAgo, unit: unit.code, outcome: 'substantiated' })),
      ],
    })),
    note: ctx.t('oversight.report.notes.units-by-outcome'),
  };
}

export function recurringTable(ctx: MonthlyReportContext): MonthlyReportTable {
  const { month, previous, yearAgo } = ctx.months;
  const unitNames = new Map(namedCodes(ctx, 'unit').map((unit) => [unit.code, unit.name]));
  const categoryNames = new Map(namedCodes(ctx, 'category').map((category) => [category.code, category.name]));
  const pairCount = (m: string, key: string) => valuesOf(ctx.counts.get(m), 'unitCategory').get(key)?.n ?? 0;
  const recurring = [...valuesOf(ctx.counts.get(month), 'unitCategory')]
    .filter(([key, counter]) => counter.n >= recurringThreshold && !key.endsWith('|none'))
    .sort(([a, x], [b, y]) => y.n - x.n || (a < b ? -1 : 1));
  return {
    ...tableHead(ctx, 'recurring', [ctx.t('oversight.report.columns.unitAndCategory'), ...comparisonColumns(ctx)]),
    rows: recurring.map(([key]) => {
      const [unit, category] = splitPair(key);
      const trio = [month, previous, yearAgo].map((m) => pairCount(m, key)) as Trio;
      return { label: `${unitNames.get(unit) ?? unit} · ${categoryNames.get(category) ?? category}`, cells: comparisonCells(trio, (m) => casesLink({ month: m, unit, category }), ctx.months) };
    }),
    note: ctx.t('oversight.report.notes.recurring', { threshold: recurringThreshold }),
  };
}

export function trendTable(ctx: MonthlyReportContext): MonthlyReportTable {
  const outcomeSum = (counts: MonthCounts | undefined) => outcomes.reduce((sum, outcome) => sum + countOf(counts, 'outcome', outcome), 0);
  return {
    ...tableHead(ctx, 'trend', ['received', 'accepted', 'concluded', 'substantiated'].reduce((columns, key) => [...columns, ctx.t(`oversight.report.columns.${key}`)], [ctx.t('oversight.report.columns.month')])),
    rows: ctx.months.trend.map((m) => {
      const counts = ctx.counts.get(m);
      return {
        label: monthLabel(m, ctx.lang),
        labelHref: `/staff/reports/${m}`,
        cells: [
          figure(countOf(counts, 'total'), casesLink({ month: m })),
          figure(countOf(counts, 'accepted'), casesLink({ month: m, accepted: 'yes' })),
          figure(outcomeSum(counts), casesLink({ month: m, outcome: 'any' })),
          figure(countOf(counts, 'outcome', 'substantiated'), casesLink({ month: m, outcome: 'substantiated' })),
        ],
      };
    }),
    note: ctx.t('oversight.report.notes.trend'),
  };
}

/** Every code the taxonomy knows plus codes only old cases still carry, with their names, in the taxonomy's order. */
export function namedCodes(ctx: MonthlyReportContext, dimension: 'unit' | 'category'): Array<{ code: string; name: string }> {
  const known = dimension === 'unit' ? ctx.names.units : [...ctx.names.categories, { code: 'none', name: ctx.t('oversight.report.noCategory'), active: true }];
  const counted = new Set<string>();
  for (const month of [ctx.months.month, ctx.months.previous, ctx.months.yearAgo]) {
    for (const key of valuesOf(ctx.counts.get(month), dimension).keys()) counted.add(key);
  }
  const codes = new Set(known.map((entry) => entry.code));
  const extra = [...counted].filter((code) => !codes.has(code)).sort().map((code) => ({ code, name: code }));
  return [...known.filter((entry) => entry.active || counted.has(entry.code)).map(({ code, name }) => ({ code, name })), ...extra];
}

export function splitPair(key: string): [string, string] {
  const bar = key.indexOf('|');
  return [key.slice(0, bar), key.slice(bar + 1)];
}

function tableHead(ctx: MonthlyReportContext, id: string, columns: string[]): Pick<MonthlyReportTable, 'id' | 'heading' | 'columns' | 'csvHref'> {
  return { id, heading: ctx.t(`oversight.report.tables.${id}`), columns, csvHref: `/staff/reports/${ctx.months.month}/${id}.csv` };
}

/**
 * The monthly report for the district standing committee, as a story: make
 * sure the roll-up is built and repaired, read the month, the month before,
 * the same month a year before and the trend, then lay out the tables and
 * draw the charts. Every figure describes the cases received in a month
 * (their monthKey) as they stand now, so that the case list filtered by
 * month shows exactly the cases behind it.
 */
import { caseKinds, caseStages, measures, outcomes, reporterTypes } from '../cases/case-stages';
import type { Language } from '../lib/i18n';
import { channelTable, sourcesTable } from './channel-tables';
import { trendChart, unitOutcomeChart, type Chart } from './charts';
import { monthLabel } from './month-label';
import { countOf, overdueAtEndOf, readCounts, monthlyReportMonths, taxonomyNames, type MonthlyReportMonths } from './monthly-report-data';
import type { MonthlyReportTable, Translate } from './monthly-report-table';
import {
  comparisonTable, handlingTimesTable, namedCodes, overdueTable, recurringTable, trendTable, unitOutcomeTable,
  type FigureSpec, type MonthlyReportContext,
} from './monthly-report-tables';
import { rectificationFiguresByUnit } from '../rectification/rectification-figures';
import { monthlySummary, type MonthlySummary, type RectificationSummary } from './monthly-summary';
import { dimensions, type Dimension } from './rollup-figures';
import { ensureRollupBuilt, foldInPendingChanges, repairDirtyMonths } from './rollup.service';

export interface MonthlyReport {
  month: string;
  monthName: string;
  tables: MonthlyReportTable[];
  charts: Chart[];
  /** the draft paragraph and the 环比 / 同比 comparisons (monthly-summary.ts) */
  summary: MonthlySummary;
}

/** The tables a report has, in order; also the names of their CSV files. */
export const monthlyReportTableIds = [
  'summary', 'sources', 'received-by-channel', 'received-by-kind', 'received-by-category', 'received-by-unit', 'received-by-reporter-type', 'stages', 'outcomes',
  'measures', 'overdue', 'handling-times', 'units-by-outcome', 'recurring', 'trend',
] as const;

const trendDimensions: Dimension[] = ['total', 'accepted', 'outcome'];

/** Rectification items opened in the month, and how many of them were put right on time (rectification/), for the summary. */
async function rectificationOpenedIn(month: string): Promise<RectificationSummary> {
  const total = { opened: 0, closedOnTime: 0 };
  for (const unit of (await rectificationFiguresByUnit([month])).values()) {
    total.opened += unit.opened;
    total.closedOnTime += unit.closedOnTime;
  }
  return total;
}

export async function monthlyReport(month: string, lang: Language, t: Translate): Promise<MonthlyReport> {
  await ensureRollupBuilt();
  await foldInPendingChanges({ markTimeouts: true });
  await repairDirtyMonths();
  const months = monthlyReportMonths(month);
  const [counts, overdue, names, rectification] = await Promise.all([readCounts(wantedCounts(months)), overdueAtEndOf(month), taxonomyNames(lang), rectificationOpenedIn(month)]);
  const ctx: MonthlyReportContext = { months, counts, names, t, lang };
  const tables = [
    comparisonTable(ctx, 'summary', summaryFigures()),
    sourcesTable(ctx),
    channelTable(ctx),
    comparisonTable(ctx, 'received-by-kind', caseKinds.map((kind) => countFigure(`reports.kinds.${kind}`, 'kind', kind, { kind }))),
    comparisonTable(ctx, 'received-by-category', namedCodes(ctx, 'category').map(({ code, name }) => ({ ...countFigure(name, 'category', code, { category: code }), literal: true }))),
    comparisonTable(ctx, 'received-by-unit', namedCodes(ctx, 'unit').map(({ code, name }) => ({ ...countFigure(name, 'unit', code, { unit: code }), literal: true }))),
    comparisonTable(ctx, 'received-by-reporter-type', reporterTypes.map((type) => countFigure(`reports.reporterTypes.${type}`, 'reporterType', type, { reporterType: type }))),
    comparisonTable(ctx, 'stages', caseStages.map((status) => countFigure(`tracking.stages.${status}`, 'status', status, { status }))),
    comparisonTable(ctx, 'outcomes', [
      ...outcomes.map((outcome) => countFigure(`tracking.outcomes.${outcome}`, 'outcome', outcome, { outcome })),
      { label: 'oversight.report.rows.notConcluded', value: notConcluded, filters: { outcome: 'none' } },
    ]),
    comparisonTable(ctx, 'measures', measures.map((measure) => countFigure(`triage.measures.${measure}`, 'measure', measure, { measure }))),
    overdueTable(ctx, overdue),
    handlingTimesTable(ctx),
    unitOutcomeTable(ctx),
    recurringTable(ctx),
    trendTable(ctx),
  ].map((table) => ({ ...table, note: table.note ?? optionalNote(t, table.id) }));
  const byId = new Map(tables.map((table) => [table.id, table]));
  return { month, monthName: monthLabel(month, lang), tables, charts: [unitOutcomeChart(byId.get('units-by-outcome')!, ctx), trendChart(byId.get('trend')!, ctx)], summary: monthlySummary(months, counts, lang, t, rectification) };
}

function summaryFigures(): FigureSpec[] {
  return [
    countFigure('oversight.report.rows.received', 'total', '', {}),
    countFigure('oversight.report.rows.accepted', 'accepted', '', { accepted: 'yes' }),
    countFigure('oversight.report.rows.declined', 'decision', 'declined', { decision: 'declined' }),
    countFigure('oversight.report.rows.transferred', 'decision', 'transferred', { decision: 'transferred' }),
    countFigure('oversight.report.rows.awaiting', 'status', 'new', { status: 'new' }),
    { label: 'oversight.report.rows.concluded', value: (counts) => countOf(counts, 'total') - (notConcluded(counts) ?? 0), filters: { outcome: 'any' } },
    countFigure('tracking.outcomes.substantiated', 'outcome', 'substantiated', { outcome: 'substantiated' }),
  ];
}

function countFigure(label: string, dimension: Dimension, key: string, filters: Record<string, string>): FigureSpec {
  return { label, value: (counts) => countOf(counts, dimension, key), filters };
}

function notConcluded(counts: Parameters<FigureSpec['value']>[0]): number {
  return countOf(counts, 'total') - outcomes.reduce((sum, outcome) => sum + countOf(counts, 'outcome', outcome), 0);
}

function optionalNote(t: Translate, id: string): string | undefined {
  const key = `oversight.report.notes.${id}`;
  const text = t(key);
  return text === key ? undefined : text;
}

function wantedCounts(months: MonthlyReportMonths): Map<string, readonly Dimension[]> {
  const wanted = new Map<string, readonly Dimension[]>(months.trend.map((month) => [month, trendDimensions]));
  for (const month of [months.month, months.previous, months.yearAgo]) wanted.set(month, dimensions);
  return wanted;
}

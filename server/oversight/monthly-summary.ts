/**
 * The monthly report's draft summary: one paragraph in the committee's
 * style built from the month's figures (「2026年11月共收到群众反映56件，环比
 * 增加5件，同比减少3件；明察暗访发现问题12个；以上共受理40件……」: the
 * roll-up counts acceptance and conclusion over every case, findings
 * included, so the paragraph says 以上), for the supervisor to copy, and the same
 * figures against the month before (环比) and the same month a year before
 * (同比), with percentages; where the earlier month had none, it says so
 * instead of a percentage. From the counts the report has already read, and
 * the rectification items opened in the month (「督促整改问题9个，按期整改到位
 * 7个」), said only when there were any.
 */
import type { Language } from '../lib/i18n';
import { monthLabel } from './month-label';
import { countOf, type MonthlyReportMonths } from './monthly-report-data';
import { casesLink, type Translate } from './monthly-report-table';
import type { MonthCounts } from './rollup-figures';

export interface SummaryFigures {
  publicReports: number;
  accepted: number;
  concluded: number;
  /** substantiated in whole or in part */
  upheld: number;
  findings: number;
  findingsAwaiting: number;
}

/** Rectification items opened in the month and, of them, those put right on time (rectification/rectification-figures.ts). */
export interface RectificationSummary {
  opened: number;
  closedOnTime: number;
}

export interface SummaryComparison {
  label: string;
  now: SummaryCell;
  previous: SummaryCell;
  monthOnMonth: string;
  yearAgo: SummaryCell;
  yearOnYear: string;
}

interface SummaryCell {
  value: number;
  href: string;
}

export interface MonthlySummary {
  paragraph: string;
  columns: string[];
  comparisons: SummaryComparison[];
}

export function summaryFiguresOf(counts: MonthCounts | undefined): SummaryFigures {
  const findings = countOf(counts, 'channel', 'inspection');
  return {
    publicReports: countOf(counts, 'total') - findings,
    accepted: countOf(counts, 'accepted'),
    concluded: countOf(counts, 'outcome', 'substantiated') + countOf(counts, 'outcome', 'partlySubstantiated') + countOf(counts, 'outcome', 'notSubstantiated'),
    upheld: countOf(counts, 'outcome', 'substantiated') + countOf(counts, 'outcome', 'partlySubstantiated'),
    findings,
    findingsAwaiting: countOf(counts, 'channelStage', 'inspection|new'),
  };
}

/** The paragraph, exactly as the committee's report would put it. */
export function summaryParagraph(monthName: string, now: SummaryFigures, previous: SummaryFigures, yearAgo: SummaryFigures, t: Translate, rectification: RectificationSummary = { opened: 0, closedOnTime: 0 }): string {
  const changeText = (which: 'monthOnMonth' | 'yearOnYear', before: number) => {
    const difference = now.publicReports - before;
    const direction = difference > 0 ? 'up' : difference < 0 ? 'down' : 'same';
    return t(`monthlySummary.${which}.${direction}`, { count: Math.abs(difference) });
  };
  return t('monthlySummary.sentence', {
    received: t('monthlySummary.received', { month: monthName, count: now.publicReports }),
    monthOnMonth: changeText('monthOnMonth', previous.publicReports),
    yearOnYear: changeText('yearOnYear', yearAgo.publicReports),
    handled: t('monthlySummary.handled', { accepted: now.accepted, concluded: now.concluded, upheld: now.upheld }),
    findings: t('monthlySummary.findings', { count: now.findings }) + (now.findingsAwaiting > 0 ? t('monthlySummary.awaiting', { count: now.findingsAwaiting }) : ''),
    rectification: rectification.opened > 0 ? t('monthlySummary.rectification', { count: rectification.opened, onTime: rectification.closedOnTime }) : '',
  });
}

/** "+5（+9.8%）"; "+3（上月为0，不计算百分比）" when the earlier month had none. */
export function changeWithPercent(now: number, before: number, which: 'monthOnMonth' | 'yearOnYear', t: Translate): string {
  const difference = now - before;
  const signed = (value: number, digits: number) => (value > 0 ? `+${value.toFixed(digits)}` : value < 0 ? `−${(-value).toFixed(digits)}` : (0).toFixed(digits));
  const percent = before === 0 ? t(`monthlySummary.${which}.noBase`) : `${signed((100 * difference) / before, 1)}%`;
  return t('monthlySummary.changeCell', { change: signed(difference, 0), percent });
}

const rows: Array<{ label: string; pick: keyof SummaryFigures; filters: Record<string, string> }> = [
  { label: 'monthlySummary.rows.publicReports', pick: 'publicReports', filters: { source: 'public' } },
  { label: 'monthlySummary.rows.findings', pick: 'findings', filters: { channel: 'inspection' } },
  { label: 'monthlySummary.rows.accepted', pick: 'accepted', filters: { accepted: 'yes' } },
  { label: 'monthlySummary.rows.concluded', pick: 'concluded', filters: { outcome: 'any' } },
  { label: 'monthlySummary.rows.upheld', pick: 'upheld', filters: { outcome: 'upheld' } },
];

export function monthlySummary(months: MonthlyReportMonths, counts: ReadonlyMap<string, MonthCounts>, lang: Language, t: Translate, rectification?: RectificationSummary): MonthlySummary {
  const [now, previous, yearAgo] = [months.month, months.previous, months.yearAgo].map((month) => summaryFiguresOf(counts.get(month)));
  const cell = (figures: SummaryFigures, month: string, row: (typeof rows)[number]) => ({ value: figures[row.pick], href: casesLink({ month, ...row.filters }) });
  return {
    paragraph: summaryParagraph(monthLabel(months.month, lang), now, previous, yearAgo, t, rectification),
    columns: [t('monthlySummary.columns.item'), monthLabel(months.month, lang), monthLabel(months.previous, lang), t('monthlySummary.columns.monthOnMonth'), monthLabel(months.yearAgo, lang), t('monthlySummary.columns.yearOnYear')],
    comparisons: rows.map((row) => ({
      label: t(row.label),
      now: cell(now, months.month, row),
      previous: cell(previous, months.previous, row),
      monthOnMonth: changeWithPercent(now[row.pick], previous[row.pick], 'monthOnMonth', t),
      yearAgo: cell(yearAgo, months.yearAgo, row),
      yearOnYear: changeWithPercent(now[row.pick], yearAgo[row.pick], 'yearOnYear', t),
    })),
  };
}

/**
 * The unit assessment of one period, as a story: bring the roll-up up to
 * date (as the monthly report does), read the period's counters by _id
 * (four documents a month), let each indicator give its figures, keep the
 * units that had a case or a rating in the period, and score them with the
 * weights in force.
 */
import type { Language } from '../lib/i18n';
import { casesLink, type Translate } from '../oversight/monthly-report-table';
import { readCounts, taxonomyNames } from '../oversight/monthly-report-data';
import type { Dimension } from '../oversight/rollup-figures';
import { ensureRollupBuilt, foldInPendingChanges, repairDirtyMonths } from '../oversight/rollup.service';
import { assessmentIndicators, type IndicatorContext, type IndicatorFigure } from './assessment-indicators';
import type { AssessmentPeriod } from './assessment-periods';
import { roundToTenth, unitScore, type Weights } from './assessment-score';
import { assessmentWeights } from './assessment-weights.service';

export interface AssessmentIndicatorView {
  id: string;
  label: string;
  reading: string;
  weight: number | null;
  rate: boolean;
}

export interface AssessmentCell extends IndicatorFigure {
  pointsText: string | null;
  rate: boolean;
}

export interface AssessmentRow {
  unit: string;
  name: string;
  cells: AssessmentCell[];
  score: number | null;
  scoreText: string;
}

export interface Assessment {
  period: AssessmentPeriod;
  periodName: string;
  indicators: AssessmentIndicatorView[];
  rows: AssessmentRow[];
  formula: string;
  /** the table's columns: the unit, the indicators, the score */
  columnCount: number;
}

const readDimensions: readonly Dimension[] = ['unit', 'unitChannel', 'unitOutcome', 'unitTimeliness'];

export async function unitAssessment(period: AssessmentPeriod, lang: Language, t: Translate): Promise<Assessment> {
  await ensureRollupBuilt();
  await foldInPendingChanges({ markTimeouts: true });
  await repairDirtyMonths();
  const [counts, names, weights] = await Promise.all([readCounts(new Map(period.months.map((month) => [month, readDimensions]))), taxonomyNames(lang), assessmentWeights()]);
  const ctx: IndicatorContext = {
    period, lang,
    count: (dimension, key) => [...counts.values()].reduce((sum, month) => sum + (month.get(dimension)?.get(key)?.n ?? 0), 0),
    casesHref: (filters) => casesLink({ from: period.from, to: period.to, ...filters }),
  };
  const figureOf = await Promise.all(assessmentIndicators.map((indicator) => indicator.figures(ctx)));
  const rows: AssessmentRow[] = [];
  for (const { code, name } of names.units) {
    const figures = figureOf.map((of) => of(code));
    if (!figures.some((figure) => figure.count > 0 || (figure.base ?? 0) > 0)) continue;
    const score = unitScore(scored(figures), weights);
    rows.push({ unit: code, name, cells: figures.map((figure, index) => ({ ...figure, rate: assessmentIndicators[index].rate, pointsText: figure.points === null ? null : figure.points.toFixed(1) })), score, scoreText: score === null ? '—' : score.toFixed(1) });
  }
  return { period, periodName: periodName(period, t), indicators: indicatorViews(weights, t), rows, formula: formulaInWords(weights, t), columnCount: assessmentIndicators.length + 2 };
}

function scored(figures: IndicatorFigure[]): Array<{ weightKey: string; points: number | null }> {
  return assessmentIndicators.flatMap((indicator, index) => (indicator.weightKey ? [{ weightKey: indicator.weightKey, points: figures[index].points }] : []));
}

function indicatorViews(weights: Weights, t: Translate): AssessmentIndicatorView[] {
  return assessmentIndicators.map((indicator) => ({
    id: indicator.id, label: t(indicator.labelKey), reading: t(indicator.readingKey),
    weight: indicator.weightKey ? weights[indicator.weightKey] : null, rate: indicator.rate,
  }));
}

export function periodName(period: AssessmentPeriod, t: Translate): string {
  return period.quarter ? t('assessment.period.quarter', { year: period.year, quarter: t(`assessment.quarterNames.${period.quarter}`) }) : t('assessment.period.year', { year: period.year });
}

function formulaInWords(weights: Weights, t: Translate): string {
  const terms = assessmentIndicators.filter((indicator) => indicator.weightKey).map((indicator) => t('assessment.formulaTerm', { label: t(indicator.labelKey), weight: weights[indicator.weightKey!] }));
  return t('assessment.formula', { terms: terms.join(t('assessment.termSeparator')) });
}

/** The page's table for CSV: the unit, each figure (with its base and points where it has them), the score. */
export function assessmentCsvRows(assessment: Assessment, t: Translate): Array<Array<string | number | null>> {
  const head: string[] = [t('assessment.columns.unit')];
  assessmentIndicators.forEach((indicator, index) => {
    const label = assessment.indicators[index].label;
    head.push(label);
    if (assessment.indicators[index].rate) head.push(t('assessment.columns.base', { label }));
    if (indicator.weightKey) head.push(t('assessment.columns.points', { label }));
  });
  head.push(t('assessment.columns.score'));
  const body = assessment.rows.map((row) => [
    row.name,
    ...row.cells.flatMap((cell, index) => [
      cell.count,
      ...(assessment.indicators[index].rate ? [cell.base] : []),
      ...(assessmentIndicators[index].weightKey ? [cell.points === null ? null : roundToTenth(cell.points)] : []),
    ]),
    row.score,
  ]);
  return [head, ...body];
}

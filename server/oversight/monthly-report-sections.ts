/**
 * The monthly report's sections built by other rooms (the reporters' voice,
 * service windows, rectification, 反馈), read once for the page and the ZIP,
 * and each as CSV rows with the same columns as its table on the page, so
 * the one download holds every table of the report.
 */
import type { Language } from '../lib/i18n';
import type { CsvCell } from './csv';
import type { Translate } from './monthly-report-table';
import { monthlyRetaliation, monthlySatisfaction } from '../voice/voice-figures.service';
import { monthlyWindowRatings } from '../windows/window-figures';
import { windowRatingLevels } from '../windows/window-rating-levels';
import { monthlyRectificationTable } from '../rectification/monthly-rectification-table';
import { monthlyFeedback } from '../handling-rules/feedback-figures.service';

export type MonthlyReportSections = Awaited<ReturnType<typeof monthlyReportSections>>;

export async function monthlyReportSections(month: string, lang: Language) {
  const [satisfaction, retaliation, windowRatings, rectification, feedback] = await Promise.all([
    monthlySatisfaction(month, lang), monthlyRetaliation(month, lang), monthlyWindowRatings(month, lang), monthlyRectificationTable(month, lang), monthlyFeedback(month),
  ]);
  return { satisfaction, retaliation, windowRatings, rectification, feedback };
}

/** Each section as a CSV file's rows, by the file's table id. */
export function sectionCsvTables(sections: MonthlyReportSections, t: Translate): Array<{ id: string; rows: CsvCell[][] }> {
  const windowLevels = windowRatingLevels.map((level) => t(`windows.levels.${level}`));
  const { rectification } = sections;
  return [
    { id: 'satisfaction', rows: [
      [t('voice.report.unit'), t('voice.levels.satisfied'), t('voice.levels.basicallySatisfied'), t('voice.levels.dissatisfied'), t('voice.report.satisfaction')],
      ...sections.satisfaction.map((row) => [row.name, row.levels.satisfied, row.levels.basicallySatisfied, row.levels.dissatisfied, `${row.satisfied} / ${row.total}`]),
    ] },
    { id: 'retaliation', rows: [[t('voice.report.unit'), t('voice.report.retaliationCount')], ...sections.retaliation.map((row) => [row.name, row.count])] },
    { id: 'window-ratings-by-unit', rows: [
      [t('windows.report.unit'), ...windowLevels, t('windows.report.total')],
      ...sections.windowRatings.units.map((row) => [row.name, ...windowRatingLevels.map((level) => row.levels[level]), row.total]),
    ] },
    { id: 'window-ratings-by-window', rows: [
      [t('windows.report.window'), ...windowLevels, t('windows.report.total')],
      ...sections.windowRatings.windows.map((row) => [`${row.unitName} · ${row.hall} · ${t('windows.poster.number', { number: row.number })}`, ...windowRatingLevels.map((level) => row.levels[level]), row.total]),
    ] },
    { id: 'rectification', rows: [
      [t('rectification.fields.unit'), t('rectification.report.opened'), t('rectification.report.closedOnTime'), t('rectification.report.overdue'), t('rectification.report.sentBack')],
      ...rectification.rows.map((row) => [row.unitName, row.opened, row.closedOnTime, row.overdue, row.sentBack]),
      ...(rectification.rows.length ? [[t('rectification.report.total'), rectification.total.opened, rectification.total.closedOnTime, rectification.total.overdue, rectification.total.sentBack]] : []),
    ] },
    { id: 'feedback', rows: [
      [t('handlingRules.feedback.way'), t('handlingRules.case.acceptance'), t('handlingRules.case.result')],
      ...sections.feedback.rows.map((row) => [t(`handlingRules.feedback.ways.${row.way}`), row.acceptance, row.result]),
    ] },
  ];
}

/**
 * Rating a service window, as a story: count the level for the window and
 * its unit in this month; a rating of 不满意 or 非常不满意 with a comment is
 * also stored as a case, through the service that stores every report
 * (reports/report.service.ts): channel `window`, the window's unit, the
 * comment sealed as the description and the window named in the sealed
 * "when and where", no identity, and a tracking code for the rater. Its
 * deadline is the one every new case has: 15 working days to decide
 * (回访/整改 are the unit's answer to it). Nothing the rater typed is
 * counted, logged or kept in clear.
 */
import { chinaDateOf } from '../lib/china-time';
import { currentMonth } from '../oversight/months';
import { translate } from '../lib/i18n';
import { submitReport, type SubmitDeps } from '../reports/report.service';
import type { FormCodeMaterial } from '../reports/form-token';
import type { ReportForm } from '../reports/report.schema';
import { countWindowRating } from './window-counts.model';
import { becomesCase, type WindowRatingLevel } from './window-rating-levels';
import type { ServiceWindowView } from './window-register.service';

export type RatingOutcome =
  | { status: 'counted' }
  | { status: 'case'; code: string; unit: string; receivedDate: string }
  | { status: 'busy'; retryAfterMs: number };

/** The category a window's case is filed under: the campaign's 门难进、脸难看、事难办. */
export const windowCaseCategory = 'hard-to-get-done';

/** `formKey`: a hash of the form's one-time token, so that the same form sent again counts once. */
export async function rateWindow(window: ServiceWindowView, level: WindowRatingLevel, comment: string, material: FormCodeMaterial, formKey: string, deps: SubmitDeps): Promise<RatingOutcome> {
  if (!becomesCase(level, comment)) {
    await countWindowRating(currentMonth(), window.id, window.unitCode, level, formKey);
    return { status: 'counted' };
  }
  // Received today, as a web report is (the day, never the hour).
  const receivedDate = chinaDateOf(new Date());
  const outcome = await submitReport(asReport(window, level, comment), [], material, deps, { channel: 'window', receivedDate });
  if (outcome.status === 'busy') return outcome;
  if (outcome.status === 'evidenceRefused') throw new Error('a window rating has no files');
  // The same form sent twice is one case, and one rating.
  if (outcome.status === 'created') await countWindowRating(currentMonth(), window.id, window.unitCode, level, formKey);
  return { status: 'case', code: outcome.code, unit: window.unitCode, receivedDate };
}

function asReport(window: ServiceWindowView, level: WindowRatingLevel, comment: string): ReportForm {
  return {
    _csrf: '', formToken: '', contactNotes: undefined,
    reporterType: 'undisclosed', kind: 'complaint', unit: window.unitCode, unitOther: '', category: windowCaseCategory,
    description: comment,
    // The commission's working language, whatever language the rater used.
    whenWhere: translate('zh', 'windows.case.whenWhere', { hall: window.hall, number: window.number, id: window.id, level: translate('zh', `windows.levels.${level}`) }),
    officialName: '', workOrderNumber: '', concernsCommission: false, identityChoice: 'anonymous',
    name: '', phone: '', email: '', companyName: '', creditCode: '', notifyByEmail: false, acceptRules: 'yes',
  };
}

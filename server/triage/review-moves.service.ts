/**
 * The two ends of a review (复查, started by a reporter's objection or by new
 * information on a closed case: voice/): an explanation (说明) the reporter
 * reads, which closes the case again, or reopening it for investigation with
 * a new conclusion target. The case-action table (case-actions.ts) keeps both
 * from the one who decided the case.
 */
import { workingCalendar } from '../cases/deadlines';
import { workingDaysBetween } from '../cases/working-days';
import { chinaDateOf } from '../lib/china-time';
import { sealEventText, type ActionContext } from './action-context';
import type { MoveChange } from './case-moves.service';

export function explaining(ctx: ActionContext, form: { text: string }): MoveChange {
  return { text: sealEventText(ctx, form.text, { type: 'reviewExplained', visibleToReporter: true }), eventType: 'reviewExplained', details: { review: 'explained' } };
}

export function reopening(ctx: ActionContext, form: { reason: string }): MoveChange {
  const today = chinaDateOf(new Date());
  const { caseDocument } = ctx;
  // The earlier conclusion no longer stands: the case counts as not concluded until it is concluded again.
  const set: Record<string, unknown> = { reopenedDate: today, outcome: null, measures: [], concludedDate: null, workingDaysToConclusion: null, decision: null, reviewerId: null };
  if (!caseDocument.acceptedDate) {
    set.acceptedDate = today;
    set.workingDaysToAcceptance = workingDaysBetween(caseDocument.receivedDate, today, workingCalendar());
  }
  return { set, text: sealEventText(ctx, form.reason, { type: 'reopened', visibleToReporter: true }), eventType: 'reopened', details: { review: 'reopened' } };
}

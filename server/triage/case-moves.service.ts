/**
 * What each move of a case's stage changes besides the stage itself. The
 * stage a move leads to is named once, in the case-action table
 * (case-actions.ts), which hands these to cases/case-move.service.ts. Free
 * text (a reason, a summary, an authority's name) is sealed with the case's key.
 */
import type { CaseMove } from '../cases/case-move.service';
import { decisionFromStage, type Measure, type Outcome } from '../cases/case-stages';
import { workingCalendar } from '../cases/deadlines';
import { workingDaysBetween } from '../cases/working-days';
import { chinaDateOf } from '../lib/china-time';
import { sealEventText, type ActionContext } from './action-context';

export type MoveChange = Pick<CaseMove, 'set' | 'text' | 'details' | 'eventType'>;

export function accepting(ctx: ActionContext): MoveChange {
  const today = chinaDateOf(new Date());
  return { set: { acceptedDate: today, workingDaysToAcceptance: workingDaysBetween(ctx.caseDocument.receivedDate, today, workingCalendar()) } };
}

export function declining(ctx: ActionContext, form: { reason: string }): MoveChange {
  return { set: { decision: 'declined', decidedBy: ctx.staff.id }, text: sealEventText(ctx, form.reason, shownAs('declined')) };
}

export function transferring(ctx: ActionContext, form: { authority: string }): MoveChange {
  return { set: { decision: 'transferred', decidedBy: ctx.staff.id }, text: sealEventText(ctx, form.authority, shownAs('transferred')) };
}

// A move's event is its stage, and the reporter sees it (cases/case-move.service.ts).
function shownAs(stage: 'declined' | 'transferred' | 'concluded') {
  return { type: stage, visibleToReporter: true };
}

export function investigating(): MoveChange {
  return {};
}

export function concluding(ctx: ActionContext, form: { outcome: Outcome; measures: Measure[]; summary: string }): MoveChange {
  const today = chinaDateOf(new Date());
  return {
    set: { outcome: form.outcome, measures: form.measures, concludedDate: today, decidedBy: ctx.staff.id, workingDaysToConclusion: workingDaysBetween(ctx.caseDocument.receivedDate, today, workingCalendar()) },
    text: sealEventText(ctx, form.summary, shownAs('concluded')),
    details: { outcome: form.outcome, measures: form.measures },
  };
}

export function closing(ctx: ActionContext): MoveChange {
  // A case declined or transferred before cases kept their decision gets it now, before it is closed.
  const kept = ctx.caseDocument.decision ?? decisionFromStage(ctx.caseDocument.status);
  return { set: kept ? { decision: kept } : undefined };
}

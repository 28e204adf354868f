/**
 * What staff do to a case, each as one named step: the move is checked
 * against the allowed transitions, written with a compare-and-set on the
 * current status (two people acting at once cannot both succeed), then
 * recorded on the case's timeline and in the audit trail. Free text (a
 * reason, a summary, an authority's name) is sealed with the case's key.
 */
import { Types } from 'mongoose';
import { recordAudit } from '../audit/audit.service';
import { CaseEvent } from '../cases/case-event.model';
import { Case, sealContext, type CaseDocument } from '../cases/case.model';
import { decisionFromStatus, canMove, stageOrder, type CaseStatus, type Measure, type Outcome } from '../cases/case-status';
import { caseDataKey } from '../cases/case-content.service';
import { dueDateInStage, workingCalendar } from '../cases/deadlines';
import { seal } from '../cases/sealing/content-box';
import { HttpError } from '../lib/http-error';
import { recordCaseInRollup } from '../oversight/rollup.service';
import type { SignedInStaff } from '../staff/access';
import { workingDaysBetween } from '../cases/working-days';
import { chinaDateOf } from '../lib/china-time';

export interface ActionContext {
  staff: SignedInStaff;
  caseDocument: CaseDocument;
  /** The unlocked commission key, needed whenever text is sealed. */
  commissionKey?: string;
}

interface Move {
  to: CaseStatus;
  set?: Record<string, unknown>;
  text?: string;
  details?: Record<string, string | number | boolean | null | string[]>;
}

export async function acceptCase(ctx: ActionContext): Promise<void> {
  const today = chinaDateOf(new Date());
  await moveCase(ctx, {
    to: 'accepted',
    set: { acceptedDate: today, workingDaysToAcceptance: workingDaysBetween(ctx.caseDocument.receivedDate, today, workingCalendar()) },
  });
}

export async function declineCase(ctx: ActionContext, reason: string): Promise<void> {
  await moveCase(ctx, { to: 'declined', set: { decision: 'declined' }, text: reason });
}

export async function transferCase(ctx: ActionContext, authority: string): Promise<void> {
  await moveCase(ctx, { to: 'transferred', set: { decision: 'transferred' }, text: authority });
}

export async function startInvestigation(ctx: ActionContext): Promise<void> {
  await moveCase(ctx, { to: 'investigating' });
}

export async function concludeCase(ctx: ActionContext, conclusion: { outcome: Outcome; measures: Measure[]; summary: string }): Promise<void> {
  const today = chinaDateOf(new Date());
  await moveCase(ctx, {
    to: 'concluded',
    set: {
      outcome: conclusion.outcome,
      measures: conclusion.measures,
      concludedDate: today,
      workingDaysToConclusion: workingDaysBetween(ctx.caseDocument.receivedDate, today, workingCalendar()),
    },
    text: conclusion.summary,
    details: { outcome: conclusion.outcome, measures: conclusion.measures },
  });
}

export async function closeCase(ctx: ActionContext): Promise<void> {
  // A case declined or transferred before cases kept their decision gets it now, before it is closed.
  const kept = ctx.caseDocument.decision ?? decisionFromStatus(ctx.caseDocument.status);
  await moveCase(ctx, { to: 'closed', set: kept ? { decision: kept } : undefined });
}

async function moveCase(ctx: ActionContext, move: Move): Promise<void> {
  const { caseDocument } = ctx;
  const from = caseDocument.status as CaseStatus;
  if (!canMove(from, move.to)) throw new HttpError(409, 'transitionNotAllowed');
  const dates = { acceptDueDate: caseDocument.acceptDueDate, acceptedDate: caseDocument.acceptedDate, concludedDate: caseDocument.concludedDate, ...move.set };
  const set = { ...move.set, status: move.to, stageOrder: stageOrder[move.to], dueDate: dueDateInStage(move.to, dates as Parameters<typeof dueDateInStage>[1]) };
  const sealedText = move.text === undefined ? null : sealEventText(ctx, move.text);
  const result = await Case.updateOne({ _id: caseDocument._id, status: from }, { $set: set });
  if (result.matchedCount !== 1) throw new HttpError(409, 'caseChanged');
  await recordCaseInRollup({ ...caseDocument, ...set });
  await addEvent(ctx, move.to, { from, to: move.to, ...move.details }, true, sealedText);
  await recordAudit({ actor: ctx.staff.id, action: `case.${move.to}`, caseId: caseDocument._id.toString(), caseRef: caseDocument.reference, details: { from, to: move.to, ...move.details } });
}

export async function addEvent(
  ctx: ActionContext,
  type: string,
  details: Record<string, unknown>,
  visibleToReporter: boolean,
  sealed: { id: Types.ObjectId; box: Buffer } | null = null,
): Promise<void> {
  await CaseEvent.create({
    _id: sealed?.id ?? new Types.ObjectId(),
    caseId: ctx.caseDocument._id,
    at: new Date(),
    type,
    actorId: ctx.staff.id,
    visibleToReporter,
    details,
    sealedText: sealed?.box ?? null,
  });
}

export function sealEventText(ctx: ActionContext, text: string): { id: Types.ObjectId; box: Buffer } {
  const dataKey = unlockedDataKey(ctx);
  const id = new Types.ObjectId();
  const box = seal(dataKey, Buffer.from(text, 'utf8'), sealContext.event(ctx.caseDocument._id.toString(), id.toString()));
  dataKey.fill(0);
  return { id, box };
}

export function unlockedDataKey(ctx: ActionContext): Buffer {
  if (!ctx.commissionKey) throw new HttpError(403, 'locked');
  return caseDataKey(ctx.caseDocument, ctx.commissionKey);
}

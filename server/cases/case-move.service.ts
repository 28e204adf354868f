/**
 * A case's move from one stage to the next, and everything that goes with
 * it, in one place: the move is checked against the allowed transitions,
 * written with a compare-and-set on the current stage under the case's lock
 * (two people acting at once cannot both succeed) together with the new stage's deadline, then
 * announced to the read models (case-changes.ts), put on the case's timeline
 * and in the audit trail. Callers never remember the parts.
 */
import { Types } from 'mongoose';
import { recordAudit, type AuditDetails } from '../audit/audit.service';
import { HttpError } from '../lib/http-error';
import { withLock } from '../lib/locks';
import { recordCaseChange } from './case-changes';
import { CaseEvent } from './case-event.model';
import { enterCaseItem } from './case-items.service';
import { Case, type CaseDocument } from './case.model';
import { canMove, stageOrder, type CaseStage } from './case-stages';
import { dueDateInStage, type StageDates } from './deadlines';
import { dayStampedId, reporterDayOf } from './reporter-time';
import { chinaDateOf } from '../lib/china-time';
import { scheduleClosedCase, unscheduleReopenedCase } from '../retention/purge-schedule.service';

/** Free text of an event, already sealed with the case's key under its event id. */
export interface SealedEventText {
  id: Types.ObjectId;
  box: Buffer;
}

export interface CaseMove {
  caseDocument: CaseDocument;
  actorId: string;
  to: CaseStage;
  /** fields that change with the move (dates, the decision, the outcome…) */
  set?: Record<string, unknown>;
  text?: SealedEventText | null;
  details?: AuditDetails;
  /** the timeline event's type when it is not the stage (an explanation that closes a review) */
  eventType?: string;
  /**
   * A reporter's act (an objection, an addition to a closed case): the event
   * keeps only the day (reporter-time.ts) and nothing goes in the staff audit trail.
   */
  byReporter?: boolean;
}

export async function moveCase(move: CaseMove): Promise<void> {
  const { caseDocument } = move;
  const from = caseDocument.status as CaseStage;
  if (!canMove(from, move.to)) throw new HttpError(409, 'transitionNotAllowed');
  const { acceptDueDate, acceptedDate, concludedDate, reviewStartedDate, reopenedDate, transferPlannedDate } = caseDocument;
  const dates = { acceptDueDate, acceptedDate, concludedDate, reviewStartedDate, reopenedDate, transferPlannedDate, ...move.set };
  // A move back (into review, reopening) starts a new round, so read models take it as the later state.
  const back = stageOrder[move.to] <= stageOrder[from];
  const round = (caseDocument.round ?? 0) + (back ? 1 : 0);
  const set = { ...move.set, status: move.to, stageOrder: stageOrder[move.to], round, dueDate: dueDateInStage(move.to, dates as StageDates) };
  await compareAndSetStage(caseDocument._id, from, set);
  await recordCaseChange({ ...caseDocument, ...set });
  const details = { from, to: move.to, ...move.details };
  const type = move.eventType ?? move.to;
  await addCaseEvent({ caseId: caseDocument._id, actorId: move.actorId, type, details, visibleToReporter: true, text: move.text ?? null, byReporter: move.byReporter });
  if (!move.byReporter) await recordAudit({ actor: move.actorId, action: `case.${type}`, caseId: caseDocument._id.toString(), caseRef: caseDocument.reference, details });
  // Its retention period starts (retention/); a failure here keeps the case longer, never shorter.
  if (move.to === 'closed') await scheduleClosedCase({ ...caseDocument, ...set }, chinaDateOf(new Date())).catch(() => undefined);
  // The purge itself also refuses a case that is not closed, should this fail.
  if (from === 'closed') await unscheduleReopenedCase(caseDocument._id.toString()).catch(() => undefined);
}

/**
 * The stage is checked and changed under the case's own lock, reading and
 * writing by _id only: on FerretDB a filter with more than _id reads every
 * case, and its updates are not atomic anyway.
 */
async function compareAndSetStage(caseId: Types.ObjectId, from: CaseStage, set: Record<string, unknown>): Promise<void> {
  let moved = false;
  const locked = await withLock(`case-move:${caseId.toString()}`, { waitMs: 3_000 }, async () => {
    const current = await Case.findById(caseId, { status: 1 }).lean();
    if (current?.status !== from) return;
    await Case.updateOne({ _id: caseId }, { $set: set });
    moved = true;
  });
  if (!locked || !moved) throw new HttpError(409, 'caseChanged');
}

export interface NewCaseEvent {
  caseId: Types.ObjectId;
  actorId: string;
  type: string;
  details: Record<string, unknown>;
  visibleToReporter: boolean;
  text?: SealedEventText | null;
  /** keep only the day of it (reporter-time.ts) */
  byReporter?: boolean;
}

export async function addCaseEvent(event: NewCaseEvent): Promise<void> {
  const id = event.text?.id ?? (event.byReporter ? dayStampedId() : new Types.ObjectId());
  const at = event.byReporter ? reporterDayOf() : new Date();
  await enterCaseItem(event.caseId, { kind: 'event', itemId: id, at });
  await CaseEvent.create({
    _id: id,
    caseId: event.caseId,
    at,
    type: event.type,
    actorId: event.actorId,
    visibleToReporter: event.visibleToReporter,
    details: event.details,
    sealedText: event.text?.box ?? null,
    bound: Boolean(event.text),
  });
}

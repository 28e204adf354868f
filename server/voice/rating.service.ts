/**
 * A reporter rates the handling of their case once it has been answered
 * (concluded, declined, transferred, or closed after one of these). A second
 * rating replaces the first and is counted instead of it, in the month of the
 * first (so a case counts once); the case's timeline notes the replacement
 * (staff only, the day only).
 *
 * Order without transactions: the month's entry first, then the rating. A
 * crash between the two leaves the case counted and not yet rated: the
 * reporter is asked again, and rating writes the same entry again.
 */
import { addCaseEvent } from '../cases/case-move.service';
import { answeredStages, type CaseStage } from '../cases/case-stages';
import type { CaseDocument } from '../cases/case.model';
import { reporterDayOf } from '../cases/reporter-time';
import { seal, open } from '../cases/sealing/content-box';
import { storedBytes } from '../cases/stored-bytes';
import { chinaDateOf } from '../lib/china-time';
import { HttpError } from '../lib/http-error';
import { withLock } from '../lib/locks';
import { CaseRating, ratingCommentContext, type RatingLevel } from './rating.model';
import { countVoiceEntry } from './voice-counts.model';

export interface ReporterKey {
  caseDocument: CaseDocument;
  dataKey: Buffer;
}

export function isAnswered(caseDocument: Pick<CaseDocument, 'status'>): boolean {
  return answeredStages.includes(caseDocument.status as CaseStage);
}

export async function rateCase(access: ReporterKey, level: RatingLevel, comment: string): Promise<void> {
  const { caseDocument, dataKey } = access;
  if (!isAnswered(caseDocument)) throw new HttpError(409, 'transitionNotAllowed');
  const caseId = caseDocument._id.toString();
  const done = await withLock(`case-rating:${caseId}`, { waitMs: 3_000 }, async () => {
    const earlier = await CaseRating.findById(caseId).lean();
    const month = earlier?.month ?? chinaDateOf(new Date()).slice(0, 7);
    await countVoiceEntry(month, 'rating', caseId, { unit: caseDocument.unitCode, value: level, commission: Boolean(caseDocument.concernsCommission) });
    const sealedComment = comment ? seal(dataKey, Buffer.from(comment, 'utf8'), ratingCommentContext(caseId)) : null;
    await CaseRating.replaceOne({ _id: caseId }, { level, month, day: reporterDayOf(), sealedComment, round: caseDocument.round ?? 0 }, { upsert: true });
    if (earlier) await addCaseEvent({ caseId: caseDocument._id, actorId: 'reporter', type: 'ratingReplaced', details: { from: earlier.level, to: level }, visibleToReporter: false, byReporter: true });
  });
  if (!done) throw new HttpError(409, 'caseChanged');
}

export interface RatingView {
  level: RatingLevel;
  comment: string | null;
  /** given for the case's present answer (not one before a review) */
  current: boolean;
}

export async function ratingOf(caseDocument: CaseDocument, dataKey: Buffer | null): Promise<RatingView | null> {
  const caseId = caseDocument._id.toString();
  const rating = await CaseRating.findById(caseId).lean();
  if (!rating) return null;
  const comment = rating.sealedComment && dataKey ? open(dataKey, storedBytes(rating.sealedComment), ratingCommentContext(caseId)).toString('utf8') : null;
  return { level: rating.level as RatingLevel, comment, current: (rating.round ?? 0) === (caseDocument.round ?? 0) };
}

/**
 * What the reporter's page shows of voice/: whether to ask for a rating, the
 * rating given, whether an objection may be made, and the review's due date.
 */
import type { CaseDocument } from '../cases/case.model';
import { linkedCaseViews, type LinkedCaseView } from './linked-cases.service';
import { mayObject } from './objection.service';
import { isAnswered, ratingOf, type RatingView } from './rating.service';

export interface ReporterVoiceView {
  canRate: boolean;
  rating: RatingView | null;
  canObject: boolean;
  underReview: boolean;
  reviewDue: string | null;
  /** retaliation check-ins started from this case */
  linked: LinkedCaseView[];
}

export async function reporterVoiceView(caseDocument: CaseDocument, dataKey: Buffer): Promise<ReporterVoiceView> {
  const [rating, canObject, linked] = await Promise.all([ratingOf(caseDocument, dataKey), mayObject(caseDocument), linkedCaseViews(caseDocument, dataKey)]);
  const underReview = caseDocument.status === 'review';
  return { canRate: isAnswered(caseDocument) && !rating?.current, rating, canObject, underReview, reviewDue: underReview ? caseDocument.dueDate ?? null : null, linked };
}

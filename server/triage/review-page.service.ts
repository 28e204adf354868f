/**
 * What the case page shows of the reporter's voice (voice/): the rating and
 * its comment (when the session holds the unlocked key), who reviews the case
 * and whether the viewer decided it (and so may not review it).
 */
import { readReportUnlessTampered } from '../cases/case-content.service';
import { Staff } from '../staff/staff.model';
import { ratingOf } from '../voice/rating.service';
import { unlockedDataKey, type ActionContext } from './action-context';

export async function reviewPanel(ctx: ActionContext) {
  const { caseDocument } = ctx;
  const dataKey = ctx.commissionKey ? unlockedDataKey(ctx) : null;
  try {
    // As the rest of the page: a report whose clear fields no longer match its seal shows none of its content.
    const contentKey = dataKey && readReportUnlessTampered(caseDocument, dataKey) !== null ? dataKey : null;
    const [rating, reviewer] = await Promise.all([
      ratingOf(caseDocument, contentKey),
      caseDocument.reviewerId ? Staff.findById(caseDocument.reviewerId, { name: 1 }).lean() : null,
    ]);
    return {
      rating,
      underReview: caseDocument.status === 'review',
      reviewerName: reviewer?.name ?? null,
      decidedByViewer: caseDocument.decidedBy === ctx.staff.id,
      retaliation: Boolean(caseDocument.supervisorsOnly),
    };
  } finally {
    dataKey?.fill(0);
  }
}

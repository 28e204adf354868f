/**
 * What every case screen and action works with: who is acting, on which case,
 * and the commission key their session unlocked (needed to read or seal text).
 */
import { Types } from 'mongoose';
import { caseDataKey } from '../cases/case-content.service';
import type { SealedEventText } from '../cases/case-move.service';
import { sealContext, type CaseDocument } from '../cases/case.model';
import { seal } from '../cases/sealing/content-box';
import { HttpError } from '../lib/http-error';
import type { SignedInStaff } from '../staff/access';

export interface ActionContext {
  staff: SignedInStaff;
  caseDocument: CaseDocument;
  /** The unlocked commission key, needed whenever text is read or sealed. */
  commissionKey?: string;
}

/** The case's data key; wipe it (fill(0)) when done. */
export function unlockedDataKey(ctx: ActionContext): Buffer {
  if (!ctx.commissionKey) throw new HttpError(403, 'locked');
  return caseDataKey(ctx.caseDocument, ctx.commissionKey);
}

/**
 * Free text for the case's timeline, sealed with the case's key under a new
 * event id, bound to the event it will be (a move's: its stage, shown to the reporter).
 */
export function sealEventText(ctx: ActionContext, text: string, event: { type: string; visibleToReporter: boolean }): SealedEventText {
  const dataKey = unlockedDataKey(ctx);
  try {
    const id = new Types.ObjectId();
    return { id, box: seal(dataKey, Buffer.from(text, 'utf8'), sealContext.event(ctx.caseDocument._id.toString(), id.toString(), event)) };
  } finally {
    dataKey.fill(0);
  }
}

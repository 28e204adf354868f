/**
 * The feed of case changes that read models fold in. Insert and delete only:
 * the one kind of write FerretDB makes atomic, so a request that stores or
 * moves a case never waits for a lock.
 *
 * - CaseChange: a case's figures as they are after the change. Folded in by
 *   the monthly roll-up (oversight/rollup.service.ts), then deleted.
 * - DirtyMonth: a month whose read models may be wrong (a change that could
 *   not be recorded or applied, a writer that died holding its lock) and must
 *   be recounted from the cases.
 *
 * The collections keep the names they had when only the roll-up read them.
 */
import { Schema, Types, model } from 'mongoose';
import { dayStampedId } from './reporter-time';

export const CaseChange = model('CaseChange', new Schema(
  {
    // A change follows a reporter's act as often as a staff one: its id says no more than the day.
    _id: { type: Schema.Types.ObjectId, default: () => dayStampedId() },
    month: { type: String, required: true },
    /** the case's figures, one line as in cases/case-figures.ts */
    line: { type: String, required: true },
  },
  { collection: 'oversight_rollup_pending', versionKey: false },
));

export const DirtyMonth = model('DirtyMonth', new Schema(
  {
    _id: { type: Schema.Types.ObjectId, default: () => new Types.ObjectId() },
    month: { type: String, required: true },
    at: { type: Date, required: true },
    reason: { type: String, required: true },
  },
  { collection: 'oversight_rollup_dirty', versionKey: false },
));

export async function markDirty(month: string, reason: string): Promise<void> {
  await DirtyMonth.create({ month, at: new Date(), reason });
}

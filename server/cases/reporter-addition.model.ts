/**
 * "The reporter added something": one document per case, _id the case id,
 * written when a reporter adds information or files and kept until staff
 * have both seen it (someone opened the case) and told the assignee (a
 * content-free mail, triage/reporter-additions.service.ts). The collection
 * holds only additions not yet dealt with, so it stays as small as the
 * office's backlog and may be read whole; every write goes by _id.
 */
import { Schema, model, type Types } from 'mongoose';

export const ReporterAddition = model('ReporterAddition', new Schema(
  {
    _id: { type: String, required: true },
    /** no staff member has opened the case since the addition: the queue shows 新补充 */
    unseen: { type: Boolean, required: true, index: true },
    /** the assignee has not been mailed about it yet */
    mailPending: { type: Boolean, required: true, index: true },
  },
  { collection: 'case_reporter_additions', versionKey: false },
));

/** The one call after a reporter's addition is stored; a second addition before it is dealt with marks it again. */
export async function markReporterAddition(caseId: Types.ObjectId): Promise<void> {
  await ReporterAddition.updateOne({ _id: caseId.toString() }, { $set: { unseen: true, mailPending: true } }, { upsert: true });
}

/** The case ids whose additions no staff member has opened yet. */
export async function unseenAdditionCaseIds(): Promise<Set<string>> {
  const marks = await ReporterAddition.find({ unseen: true }, { _id: 1 }).lean();
  return new Set(marks.map((mark) => mark._id));
}

/** A staff member opened the case: seen. The mark goes once the assignee has been told too. */
export async function markAdditionSeen(caseId: Types.ObjectId): Promise<void> {
  const id = caseId.toString();
  const mark = await ReporterAddition.findById(id).lean();
  if (!mark?.unseen) return;
  if (mark.mailPending) await ReporterAddition.updateOne({ _id: id }, { $set: { unseen: false } });
  else await ReporterAddition.deleteOne({ _id: id, mailPending: false });
}

/**
 * Files on their way into a case: one `{ _id: file id, caseId }` per file,
 * written before the file and removed once the case or message that refers
 * to it is stored (claimAttachments). The sweep reads only these, each file's
 * case and messages by _id; reading the files themselves would decode every
 * stored photo on FerretDB.
 */
import { Schema, model } from 'mongoose';

export const UnclaimedAttachment = model('UnclaimedAttachment', new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    caseId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'attachments_unclaimed', versionKey: false },
));

/**
 * The conversation between a reporter and the commission, one document per
 * message and never updated (FerretDB's updates are not atomic, so appending
 * to an array inside the case could lose a message). Bodies are sealed.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const caseMessageSchema = new Schema(
  {
    caseId: { type: Schema.Types.ObjectId, required: true, index: true },
    from: { type: String, enum: ['reporter', 'commission'], required: true },
    /** 'reply' and 'request' are shown to the reporter; 'note' and 'findings' never are; 'objection' is a reporter's (voice/). */
    type: { type: String, enum: ['addition', 'reply', 'request', 'note', 'findings', 'objection'], required: true },
    authorId: { type: String, default: null },
    at: { type: Date, required: true },
    sealedBody: { type: Buffer, required: true },
    attachmentIds: { type: [Schema.Types.ObjectId], default: [] },
    /** the body is sealed bound to from and type (cases/bound-seals.ts) */
    bound: { type: Boolean, default: false },
  },
  { collection: 'case_messages' },
);

export type CaseMessageDocument = InferSchemaType<typeof caseMessageSchema> & { _id: Types.ObjectId };
export const CaseMessage = model('CaseMessage', caseMessageSchema);

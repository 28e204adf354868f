/**
 * An evidence file, cleaned of metadata and sealed with its case's key. One
 * document per file (at most 10 MB, under the 16 MB document limit). Written
 * before its case: an attachment whose case does not exist is an abandoned
 * submission and is swept (see attachment-sweep.service.ts).
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const attachmentSchema = new Schema(
  {
    caseId: { type: Schema.Types.ObjectId, required: true, index: true },
    type: { type: String, enum: ['jpeg', 'png', 'webp', 'pdf'], required: true },
    size: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    sealedBytes: { type: Buffer, required: true },
  },
  { collection: 'attachments' },
);

export type AttachmentDocument = InferSchemaType<typeof attachmentSchema> & { _id: Types.ObjectId };
export const Attachment = model('Attachment', attachmentSchema);

/**
 * What belongs to a case (its timeline events, its messages, its files),
 * found by _id: `<case id>:<n>` for n = 0, 1, 2, … without gaps. On FerretDB
 * v1 a filter on caseId reads every event, message or file ever stored; this
 * reads a handful of documents by key. A file's entry carries what lists
 * show (type, size, date), so listing a case's files reads none of them.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const caseItemKinds = ['event', 'message', 'attachment'] as const;
export type CaseItemKind = (typeof caseItemKinds)[number];

const caseItemSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: caseItemKinds, required: true },
    itemId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    /** attachments: file type and size in bytes */
    type: { type: String, default: null },
    size: { type: Number, default: null },
    /** an item whose write failed after its entry was made (entries are never deleted: that would leave a gap) */
    discarded: { type: Boolean, default: false },
  },
  { collection: 'case_items', versionKey: false },
);

export type CaseItemDocument = InferSchemaType<typeof caseItemSchema> & { _id: string; itemId: Types.ObjectId };
export const CaseItem = model('CaseItem', caseItemSchema);

/** Present once every item stored before case_items existed has its entry (the start-up pass). */
export const CaseItemsComplete = model('CaseItemsComplete', new Schema({ _id: { type: String, required: true }, at: Date }, { collection: 'case_items_meta', versionKey: false }));
export const completeId = 'complete';

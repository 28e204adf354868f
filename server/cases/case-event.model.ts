/**
 * A case's timeline, one document per event, insert-only. `details` carries
 * only structured values (status codes, dates, staff ids); any free text an
 * event needs (a reason, an outcome note) is sealed with the case's key.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const caseEventSchema = new Schema(
  {
    caseId: { type: Schema.Types.ObjectId, required: true, index: true },
    at: { type: Date, required: true },
    type: { type: String, required: true },
    actorId: { type: String, default: null },
    visibleToReporter: { type: Boolean, default: false },
    details: { type: Schema.Types.Mixed, default: {} },
    sealedText: { type: Buffer, default: null },
    /** the text is sealed bound to type and visibleToReporter (cases/bound-seals.ts) */
    bound: { type: Boolean, default: false },
  },
  { collection: 'case_events' },
);

export type CaseEventDocument = InferSchemaType<typeof caseEventSchema> & { _id: Types.ObjectId };
export const CaseEvent = model('CaseEvent', caseEventSchema);

/** The bodies a report can concern; staff maintain the list. */
import { Schema, model, type InferSchemaType } from 'mongoose';

const unitSchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    nameZh: { type: String, required: true },
    nameEn: { type: String, required: true },
    order: { type: Number, default: 0 },
    active: { type: Boolean, default: true },
  },
  { collection: 'units' },
);

export type UnitDocument = InferSchemaType<typeof unitSchema>;
export const Unit = model('Unit', unitSchema);

/**
 * A service window (服务窗口) that residents rate: which unit it belongs to,
 * the hall it is in and its number. Its _id is the short id of its address
 * (/w/<id>), printed on its poster. The collection holds one document per
 * window the administrators registered: bounded by the district's halls, so
 * the administrators' list may read it whole; the public page reads by _id.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

const serviceWindowSchema = new Schema(
  {
    _id: { type: String, required: true },
    unitCode: { type: String, required: true },
    hall: { type: String, required: true },
    number: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'service_windows', versionKey: false },
);
// One window per unit, hall and number (also what the duplicate check filters by on MongoDB).
serviceWindowSchema.index({ unitCode: 1, hall: 1, number: 1 }, { unique: true });

export type ServiceWindowDocument = InferSchemaType<typeof serviceWindowSchema>;
export const ServiceWindow = model('ServiceWindow', serviceWindowSchema);

/** Short ids: six characters without look-alikes (0/o, 1/l/i), about 887 million of them. */
export const shortIdAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
export const shortIdPattern = /^[a-hjkmnp-z2-9]{6}$/;

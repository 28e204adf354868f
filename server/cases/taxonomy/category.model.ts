/**
 * The kinds of problem, grouped under the campaign's "three lows and one
 * disorder" (效率低、标准低、能力低、乱作为); staff maintain the list.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

export const categoryGroups = ['efficiency', 'standards', 'capability', 'arbitrary', 'other'] as const;

const categorySchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    group: { type: String, enum: categoryGroups, required: true },
    nameZh: { type: String, required: true },
    nameEn: { type: String, required: true },
    order: { type: Number, default: 0 },
    active: { type: Boolean, default: true },
  },
  { collection: 'categories' },
);

export type CategoryDocument = InferSchemaType<typeof categorySchema>;
export const Category = model('Category', categorySchema);

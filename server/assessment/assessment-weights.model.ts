/**
 * The weights supervisors set for the unit assessment's score: one document,
 * read and written by _id (`weights`), a number per indicator's weight key.
 */
import { Schema, model } from 'mongoose';

export const AssessmentSettings = model('AssessmentSettings', new Schema(
  {
    _id: { type: String, required: true },
    weights: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'assessment_settings', versionKey: false, minimize: false },
));

export const weightsId = 'weights';

/**
 * A reporter's rating of how their case was handled (满意 / 基本满意 / 不满意),
 * one per case, read and written by _id (the case id). The level is clear,
 * for counting; the comment is sealed with the case's key. Of the time only
 * the day is kept (cases/reporter-time.ts).
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

export const ratingLevels = ['satisfied', 'basicallySatisfied', 'dissatisfied'] as const;
export type RatingLevel = (typeof ratingLevels)[number];

const caseRatingSchema = new Schema(
  {
    _id: { type: String, required: true },
    level: { type: String, enum: ratingLevels, required: true },
    /** the China month it was first given in: the month it is counted in, also when replaced */
    month: { type: String, required: true },
    day: { type: Date, required: true },
    /** the case's round when rated: a rating is of one answer; a later answer (after review) is asked about again */
    round: { type: Number, default: 0 },
    /** the comment, sealed with the case's key (sealContext below); null without one */
    sealedComment: { type: Buffer, default: null },
  },
  { collection: 'case_ratings', versionKey: false },
);

export type CaseRatingDocument = InferSchemaType<typeof caseRatingSchema>;
export const CaseRating = model('CaseRating', caseRatingSchema);

export const ratingCommentContext = (caseId: string): string => `case:${caseId}:rating`;

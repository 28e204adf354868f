/**
 * Short references for staff: TZ-2026-00042. Counters are not atomic on
 * FerretDB (concurrent $inc may hand out the same number twice, and two
 * upserts of a new year's counter may both try to insert it), so the number
 * is only a proposal: the case's unique index on `reference` decides, and
 * the caller retries with the next proposal on a duplicate.
 */
import { Schema, model } from 'mongoose';
import { upsertRetryingDuplicates } from '../lib/db';

const counterSchema = new Schema({ _id: String, value: { type: Number, required: true } }, { collection: 'counters', versionKey: false });
const Counter = model('Counter', counterSchema);

export async function proposeCaseReference(year: string): Promise<string> {
  const counter = await upsertRetryingDuplicates(() =>
    Counter.findOneAndUpdate({ _id: `case-${year}` }, { $inc: { value: 1 } }, { upsert: true, new: true }));
  return `TZ-${year}-${String(counter!.value).padStart(5, '0')}`;
}

/**
 * Short references for staff: TZ-2026-00042. Counters are not atomic on
 * FerretDB (concurrent $inc may hand out the same number twice, and two
 * upserts of a new year's counter may both try to insert it), so the number
 * is only a proposal: the case's unique index on `reference` decides, and
 * the caller retries with the next proposal on a duplicate.
 */
import { Schema, model } from 'mongoose';

const counterSchema = new Schema({ _id: String, value: { type: Number, required: true } }, { collection: 'counters', versionKey: false });
const Counter = model('Counter', counterSchema);

const maxUpsertAttempts = 5;

export async function proposeCaseReference(year: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const counter = await Counter.findOneAndUpdate({ _id: `case-${year}` }, { $inc: { value: 1 } }, { upsert: true, new: true });
      return `TZ-${year}-${String(counter!.value).padStart(5, '0')}`;
    } catch (error) {
      // Another request created the year's counter at the same moment: it exists now.
      if (!isDuplicateKeyError(error) || attempt >= maxUpsertAttempts) throw error;
    }
  }
}

export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 11000;
}

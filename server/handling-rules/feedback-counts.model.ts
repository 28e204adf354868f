/**
 * 反馈 counted for the monthly report: one document per received month
 * (`feedback_counts`, read and written by _id under the month's lock), with
 * one entry per case and subject (`<case id>:acceptance` → the way), so that
 * recording the same feedback again replaces it and counts it once. Never a
 * scan of the cases.
 */
import { Schema, model } from 'mongoose';
import { withLock } from '../lib/locks';
import { HttpError } from '../lib/http-error';
import type { FeedbackSubject, FeedbackWay } from './handling-rules.schema';

const FeedbackCounts = model('FeedbackCounts', new Schema(
  {
    _id: { type: String, required: true },
    /** JSON { "<case id>:<subject>": way } */
    entries: { type: String, default: '{}' },
  },
  { collection: 'feedback_counts', versionKey: false },
));

export interface FeedbackEntry {
  subject: FeedbackSubject;
  way: FeedbackWay;
}

export async function readFeedbackEntries(month: string): Promise<FeedbackEntry[]> {
  const doc = await FeedbackCounts.findById(month).lean();
  return Object.entries(parse(doc?.entries)).map(([key, way]) => ({ subject: key.slice(key.indexOf(':') + 1) as FeedbackSubject, way }));
}

/** Writes (or replaces) one case's feedback of one subject in the case's received month. */
export async function countFeedback(month: string, caseId: string, entry: FeedbackEntry): Promise<void> {
  const done = await withLock(`feedback-counts:${month}`, { waitMs: 3_000 }, async () => {
    const entries = parse((await FeedbackCounts.findById(month).lean())?.entries);
    entries[`${caseId}:${entry.subject}`] = entry.way;
    await FeedbackCounts.replaceOne({ _id: month }, { entries: JSON.stringify(entries) }, { upsert: true });
  });
  if (!done) throw new HttpError(409, 'caseChanged');
}

function parse(stored: string | null | undefined): Record<string, FeedbackWay> {
  return JSON.parse(stored || '{}') as Record<string, FeedbackWay>;
}

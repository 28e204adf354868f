/** 反馈 in the monthly report: of the cases received in the month, how their reporters were told, by way and subject (feedback_counts: one read by _id). */
import { readFeedbackEntries } from './feedback-counts.model';
import { feedbackWays, type FeedbackWay } from './handling-rules.schema';

export interface FeedbackRow {
  way: FeedbackWay;
  acceptance: number;
  result: number;
}

export async function monthlyFeedback(month: string): Promise<{ rows: FeedbackRow[]; total: number }> {
  const entries = await readFeedbackEntries(month);
  const rows = feedbackWays.map((way) => ({
    way,
    acceptance: entries.filter((entry) => entry.way === way && entry.subject === 'acceptance').length,
    result: entries.filter((entry) => entry.way === way && entry.subject === 'result').length,
  }));
  return { rows, total: entries.length };
}

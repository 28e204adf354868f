/**
 * The ratings counted, one document per month (`_id` YYYY-MM, read and
 * written by _id): for each window rated that month, its unit and the count
 * of each level. Bounded by the number of windows, whatever the number of
 * ratings. FerretDB's $inc is not atomic, so a count is read, changed and
 * written again under the month's lock (lib/locks.ts). Each window's entry
 * also keeps the last few forms it counted (a hash of their one-time token),
 * so a form sent twice (a double tap, a resend) counts once.
 */
import { Schema, model } from 'mongoose';
import { HttpError } from '../lib/http-error';
import { withLock } from '../lib/locks';
import { noCounts, windowRatingLevels, type LevelCounts, type WindowRatingLevel } from './window-rating-levels';

export interface WindowMonthEntry {
  unit: string;
  counts: LevelCounts;
}

/** Enough to catch a form sent again within minutes at the busiest window; a bounded list. */
const recentFormsKept = 50;

interface StoredEntry extends WindowMonthEntry {
  recent?: string[];
}

const WindowRatingCounts = model('WindowRatingCounts', new Schema(
  {
    _id: { type: String, required: true },
    windows: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'window_rating_counts', versionKey: false, minimize: false },
));

/** The month's counts, by window id. */
export async function windowMonthCounts(month: string): Promise<Map<string, WindowMonthEntry>> {
  const stored = await storedEntries(month);
  return new Map(Object.entries(stored).map(([id, entry]) => [id, { unit: entry.unit, counts: entry.counts }]));
}

/** Counts one rating; `formKey` (a hash of the form's one-time token) already counted for this window: nothing. */
export async function countWindowRating(month: string, windowId: string, unit: string, level: WindowRatingLevel, formKey?: string): Promise<void> {
  const done = await withLock(`window-rating-counts:${month}`, { waitMs: 5_000 }, async () => {
    const windows = await storedEntries(month);
    const entry = windows[windowId] ?? { unit, counts: noCounts(), recent: [] };
    if (formKey && entry.recent?.includes(formKey)) return;
    entry.counts[level] += 1;
    if (formKey) entry.recent = [...(entry.recent ?? []), formKey].slice(-recentFormsKept);
    windows[windowId] = entry;
    await WindowRatingCounts.replaceOne({ _id: month }, { windows }, { upsert: true });
  });
  if (!done) throw new HttpError(503, 'unavailable');
}

async function storedEntries(month: string): Promise<Record<string, StoredEntry>> {
  const stored = await WindowRatingCounts.findById(month).lean();
  return Object.fromEntries(Object.entries((stored?.windows ?? {}) as Record<string, StoredEntry>).map(([id, entry]) => [id, {
    unit: entry.unit, counts: { ...noCounts(), ...pickLevels(entry.counts) }, recent: Array.isArray(entry.recent) ? entry.recent.map(String) : [],
  }]));
}

function pickLevels(counts: Partial<LevelCounts> | undefined): Partial<LevelCounts> {
  return Object.fromEntries(windowRatingLevels.map((level) => [level, Number(counts?.[level] ?? 0)]));
}

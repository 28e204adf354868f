/**
 * The ratings counted, one document per month (`_id` YYYY-MM, read and
 * written by _id): for each window rated that month, its unit and the count
 * of each level. Bounded by the number of windows, whatever the number of
 * ratings. FerretDB's $inc is not atomic, so a count is read, changed and
 * written again under the month's lock (lib/locks.ts).
 */
import { Schema, model } from 'mongoose';
import { HttpError } from '../lib/http-error';
import { withLock } from '../lib/locks';
import { noCounts, windowRatingLevels, type LevelCounts, type WindowRatingLevel } from './window-rating-levels';

export interface WindowMonthEntry {
  unit: string;
  counts: LevelCounts;
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
  const stored = await WindowRatingCounts.findById(month).lean();
  return new Map(Object.entries((stored?.windows ?? {}) as Record<string, WindowMonthEntry>).map(([id, entry]) => [id, { unit: entry.unit, counts: { ...noCounts(), ...pickLevels(entry.counts) } }]));
}

export async function countWindowRating(month: string, windowId: string, unit: string, level: WindowRatingLevel): Promise<void> {
  const done = await withLock(`window-rating-counts:${month}`, { waitMs: 5_000 }, async () => {
    const windows = Object.fromEntries(await windowMonthCounts(month));
    const entry = windows[windowId] ?? { unit, counts: noCounts() };
    entry.counts[level] += 1;
    windows[windowId] = entry;
    await WindowRatingCounts.replaceOne({ _id: month }, { windows }, { upsert: true });
  });
  if (!done) throw new HttpError(503, 'unavailable');
}

function pickLevels(counts: Partial<LevelCounts> | undefined): Partial<LevelCounts> {
  return Object.fromEntries(windowRatingLevels.map((level) => [level, Number(counts?.[level] ?? 0)]));
}

/**
 * The roll-up's counters: one document per month and dimension
 * (`2026-03:unit`), read and written by _id, the counters as one JSON string.
 */
import { Rollup } from './rollup.model';
import type { Counter, Dimension, MonthCounts } from './rollup-figures';

export const rollupId = (month: string, dimension: Dimension): string => `${month}:${dimension}`;

export async function storedCounts(month: string, wanted: readonly Dimension[]): Promise<MonthCounts> {
  const docs = await Promise.all(wanted.map((dimension) => Rollup.findById(rollupId(month, dimension)).lean()));
  return new Map(wanted.map((dimension, index) => [dimension, parseCounts(docs[index]?.counts)]));
}

/**
 * Writes the dimensions whose counters differ from `before` (missing there:
 * always written), one after the other: on FerretDB's SQLite, writes side by
 * side only wait for each other's lock.
 */
export async function writeCounts(month: string, counts: MonthCounts, before: MonthCounts): Promise<void> {
  for (const [dimension, values] of counts) {
    const stored = serialiseCounts(values);
    const old = before.get(dimension);
    if (old && serialiseCounts(old) === stored) continue;
    await Rollup.replaceOne({ _id: rollupId(month, dimension) }, { month, dimension, counts: stored }, { upsert: true });
  }
}

export function pruneUnchanged(delta: MonthCounts): void {
  for (const [dimension, changes] of delta) {
    for (const [key, change] of changes) if (change.n === 0 && change.p === 0) changes.delete(key);
    if (changes.size === 0) delta.delete(dimension);
  }
}

/** Counters without zeros, sorted by value, as stored: [[value, n, p], …]. */
export function serialiseCounts(values: Map<string, Counter>): string {
  const list = [...values].filter(([, counter]) => counter.n !== 0 || counter.p !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(list.map(([key, counter]) => [key, counter.n, counter.p]));
}

function parseCounts(stored: string | null | undefined): Map<string, Counter> {
  const list = JSON.parse(stored || '[]') as Array<[string, number, number]>;
  return new Map(list.map(([key, n, p]) => [key, { n, p }]));
}

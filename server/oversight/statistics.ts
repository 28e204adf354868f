/**
 * The statistics maths, kept pure so it can be tested on its own: percentiles
 * from a histogram of whole working days, and changes between months.
 *
 * Percentiles use the nearest-rank definition: the p-th percentile of n
 * values is the value at rank ceil(p/100 × n) in ascending order. It always
 * answers a value that occurred (a whole number of days, never 7.5), is the
 * same on every database because it is computed here, and for the median of
 * an even count it answers the lower of the two middle values.
 */

export interface HistogramBin {
  value: number;
  count: number;
}

export interface DaySummary {
  /** how many cases the figures are based on */
  count: number;
  median: number | null;
  p90: number | null;
}

export function nearestRankPercentile(bins: readonly HistogramBin[], percent: number): number | null {
  if (!(percent > 0 && percent <= 100)) throw new RangeError(`percent must be in (0, 100], got ${percent}`);
  const sorted = bins.filter((bin) => bin.count > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, bin) => sum + bin.count, 0);
  if (total === 0) return null;
  const rank = Math.ceil((percent / 100) * total);
  let seen = 0;
  for (const bin of sorted) {
    seen += bin.count;
    if (seen >= rank) return bin.value;
  }
  return sorted[sorted.length - 1].value;
}

export function summariseDays(bins: readonly HistogramBin[]): DaySummary {
  const count = bins.reduce((sum, bin) => sum + Math.max(0, bin.count), 0);
  return { count, median: nearestRankPercentile(bins, 50), p90: nearestRankPercentile(bins, 90) };
}

/** A histogram stored as roll-up values (key = the number of days as text). */
export function binsFromCounts(counts: ReadonlyMap<string, number>): HistogramBin[] {
  return [...counts].map(([key, count]) => ({ value: Number(key), count })).filter((bin) => Number.isFinite(bin.value));
}

/** The change from `before` to `now`; null when either side is unknown. */
export function change(now: number | null, before: number | null): number | null {
  return now === null || before === null ? null : now - before;
}

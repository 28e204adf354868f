/**
 * The score of one unit: the weighted mean of the points its indicators
 * give, over the indicators that have points for it (an indicator with
 * nothing to judge by leaves its weight out), to one decimal. Pure.
 */
export type Weights = Record<string, number>;

export function unitScore(points: ReadonlyArray<{ weightKey: string; points: number | null }>, weights: Weights): number | null {
  let weighted = 0;
  let total = 0;
  for (const entry of points) {
    const weight = weights[entry.weightKey] ?? 0;
    if (entry.points === null || weight === 0) continue;
    weighted += weight * entry.points;
    total += weight;
  }
  return total > 0 ? roundToTenth(weighted / total) : null;
}

export function roundToTenth(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * The small-count rule of the public figures. A count below 5 is shown as
 * "fewer than 5" (zero included, so a hidden cell may be anything from 0 to
 * 4). Because the month's total is published, the hidden cells' sum can be
 * worked out by subtraction; the rule makes sure that this sum never pins
 * down a hidden count:
 *
 * - one hidden cell alone would equal the remainder, and
 * - k hidden cells whose remainder is 4 × k must each be 4,
 *
 * so in both cases the smallest shown count is withheld as well ("withheld",
 * which says it is 5 or more). With a withheld cell among them, a hidden
 * cell can be anything from 0 to min(4, remainder − 5): never a single value
 * other than 0. When there is nothing left to withhold, the whole table is.
 */

export const smallCountThreshold = 5;

export type PublicCount = { kind: 'shown'; value: number } | { kind: 'fewerThanFive' } | { kind: 'withheld' };

export interface CountCell {
  key: string;
  value: number;
}

export interface PublicTable {
  cells: Array<{ key: string; count: PublicCount }>;
  /** true when no cell could be published safely */
  withheld: boolean;
}

export function applySmallCountRule(cells: readonly CountCell[]): PublicTable {
  const small = cells.filter((cell) => cell.value < smallCountThreshold);
  const remainder = small.reduce((sum, cell) => sum + cell.value, 0);
  const pinned = (small.length === 1 && remainder > 0) || (small.length >= 2 && remainder === (smallCountThreshold - 1) * small.length);
  let secondary: CountCell | undefined;
  if (pinned) {
    secondary = cells
      .filter((cell) => cell.value >= smallCountThreshold)
      .sort((a, b) => a.value - b.value)[0];
    if (!secondary) return { cells: cells.map((cell) => ({ key: cell.key, count: { kind: 'withheld' } })), withheld: true };
  }
  return {
    withheld: false,
    cells: cells.map((cell) => ({
      key: cell.key,
      count: cell === secondary ? { kind: 'withheld' } : cell.value < smallCountThreshold ? { kind: 'fewerThanFive' } : { kind: 'shown', value: cell.value },
    })),
  };
}

/**
 * A /figures table of one cell per unit and level (the reporters' ratings,
 * the service windows' ratings), under the small-count rule of
 * small-counts.ts, each row named "unit · level" by the caller's words.
 */
import type { Translate } from './monthly-report-table';
import { applySmallCountRule } from './small-counts';

export interface PublicUnitLevels {
  withheld: boolean;
  rows: Array<{ name: string; text: string }>;
}

export function publicUnitLevelRows(cells: ReadonlyArray<{ unit: string; level: string; value: number }>, rowName: (unit: string, level: string) => string, t: Translate): PublicUnitLevels {
  if (cells.length === 0) return { withheld: false, rows: [] };
  const table = applySmallCountRule(cells.map((cell) => ({ key: `${cell.unit}|${cell.level}`, value: cell.value })));
  return {
    withheld: table.withheld,
    rows: table.cells.map(({ key, count }) => {
      const [unit, level] = key.split('|');
      return { name: rowName(unit, level), text: count.kind === 'shown' ? String(count.value) : t(`oversight.figures.${count.kind}`) };
    }),
  };
}

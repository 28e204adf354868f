/**
 * The handling measures (谈话提醒 … 警告 …) on the public figures: of the
 * cases received in a complete month, how many had each measure, leaving out
 * cases about the commission's own staff, under the small-count rule
 * (small-counts.ts). Read from the roll-up, one document per month.
 */
import { measures } from '../cases/case-stages';
import { publicCountOf, readCounts } from './monthly-report-data';
import type { Translate } from './monthly-report-table';
import { applySmallCountRule } from './small-counts';

export interface PublicMeasures {
  withheld: boolean;
  rows: Array<{ measure: string; name: string; text: string }>;
}

export async function publicMeasures(month: string, t: Translate): Promise<PublicMeasures> {
  const counts = (await readCounts(new Map([[month, ['measure'] as const]]))).get(month);
  const table = applySmallCountRule(measures.map((measure) => ({ key: measure, value: publicCountOf(counts, 'measure', measure) })));
  return {
    withheld: table.withheld,
    rows: table.cells.map((cell) => ({
      measure: cell.key,
      name: t(`triage.measures.${cell.key}`),
      text: cell.count.kind === 'shown' ? String(cell.count.value) : t(`oversight.figures.${cell.count.kind}`),
    })),
  };
}

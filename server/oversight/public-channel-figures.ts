/**
 * The public page's counts by how cases came in, under the same rules as
 * the unit counts: the small-count rule (small-counts.ts) over all rows,
 * and cases about the commission's own staff only in the row "not broken
 * down", so their number cannot be had by subtraction.
 */
import { caseChannels } from '../cases/case-channels';
import { countOf, publicCountOf } from './monthly-report-data';
import type { Translate } from './monthly-report-table';
import type { MonthCounts } from './rollup-figures';
import { applySmallCountRule, type PublicCount } from './small-counts';

export interface PublicChannelRow {
  name: string;
  text: string;
  count: PublicCount;
}

const notBrokenDownKey = ' merged';

export function publicChannelRows(current: MonthCounts | undefined, t: Translate): { rows: PublicChannelRow[]; withheld: boolean } {
  const notBrokenDown = countOf(current, 'total') - publicCountOf(current, 'total');
  const cells = [
    ...caseChannels.map((channel) => ({ key: channel, value: publicCountOf(current, 'channel', channel) })),
    { key: notBrokenDownKey, value: notBrokenDown },
  ];
  const table = applySmallCountRule(cells);
  return {
    withheld: table.withheld,
    rows: table.cells.map(({ key, count }) => ({
      name: key === notBrokenDownKey ? t('campaign.figures.notBrokenDown') : t(`campaign.channels.${key}`),
      count,
      text: count.kind === 'shown' ? String(count.value) : t(`oversight.figures.${count.kind}`),
    })),
  };
}

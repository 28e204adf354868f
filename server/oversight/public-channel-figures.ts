/**
 * The public page's counts by how cases came in, under the same rules as
 * the unit counts: the small-count rule (small-counts.ts) over all rows,
 * and the cases not broken down (about the commission's own staff, and
 * retaliation cases) merged into the web row, as the unit table merges them
 * into "other units": on a row of their own, less the retaliation count
 * /figures also shows, they would give the number about the commission's staff.
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

const mergedChannel = 'web';

export function publicChannelRows(current: MonthCounts | undefined, t: Translate): { rows: PublicChannelRow[]; withheld: boolean } {
  const notBrokenDown = countOf(current, 'total') - publicCountOf(current, 'total');
  const cells = caseChannels.map((channel) => ({
    key: channel,
    value: publicCountOf(current, 'channel', channel) + (channel === mergedChannel ? notBrokenDown : 0),
  }));
  const table = applySmallCountRule(cells);
  return {
    withheld: table.withheld,
    rows: table.cells.map(({ key, count }) => ({
      name: key === mergedChannel ? t('campaign.figures.webOrNotBrokenDown') : t(`campaign.channels.${key}`),
      count,
      text: count.kind === 'shown' ? String(count.value) : t(`oversight.figures.${count.kind}`),
    })),
  };
}

/**
 * The public counts by channel must not give, by subtraction, how many cases
 * concern the commission's own staff: the cases not broken down (those, and
 * retaliation cases, whose own count /figures also shows) are merged into the
 * web row, as the unit table merges them into "other units".
 */
import { translator } from '../../server/lib/i18n';
import { publicChannelRows } from '../../server/oversight/public-channel-figures';
import type { Counter, MonthCounts } from '../../server/oversight/rollup-figures';

const t = translator('zh');

function monthCounts(total: Counter, channels: Record<string, Counter>): MonthCounts {
  return new Map([
    ['total', new Map([['', total]])],
    ['channel', new Map(Object.entries(channels))],
  ]) as MonthCounts;
}

describe('the public counts by channel', () => {
  it('when 5 of 30 cases are not broken down, then no row shows those 5 alone: the web row holds them, and the rows add up to the total', () => {
    const counts = monthCounts({ n: 30, p: 25 }, { web: { n: 12, p: 10 }, letter: { n: 15, p: 15 }, phone: { n: 3, p: 0 } });
    const { rows } = publicChannelRows(counts, t);
    const shown = rows.filter((row) => row.count.kind === 'shown').map((row) => [row.name, row.text]);
    expect(shown).toEqual(expect.arrayContaining([[t('campaign.figures.webOrNotBrokenDown'), '15'], [t('campaign.channels.letter'), '15']]));
    expect(rows.map((row) => row.text)).not.toContain('5');
    // One row per channel: web (with what is not broken down), the five entered ones, inspection, window.
    expect(rows).toHaveLength(8);
  });
});

/**
 * The three rates at the top of /figures, for the cases received in a month
 * (none about the commission's own staff) and the ratings given in it:
 *
 * - accepted on time: of the cases accepted, those accepted within the
 *   acceptance limit (working days, cases/deadlines.ts);
 * - concluded: of the cases accepted, those concluded so far;
 * - satisfied: of the ratings, "satisfied" and "basically satisfied".
 *
 * A rate is shown, as a whole percentage, only when its base is 5 or more
 * (the small-count rule, small-counts.ts); the bases themselves are not shown.
 */
import { deadlineRules } from '../cases/deadlines';
import { outcomes } from '../cases/case-stages';
import { publicSatisfactionBase } from '../voice/voice-figures.service';
import { publicCountOf, valuesOf } from './monthly-report-data';
import type { MonthCounts } from './rollup-figures';
import { smallCountThreshold } from './small-counts';

export const headlineRateKeys = ['acceptedOnTime', 'concluded', 'satisfied'] as const;
export type HeadlineRateKey = (typeof headlineRateKeys)[number];

export interface HeadlineRate {
  key: HeadlineRateKey;
  /** a whole percentage, or null when its base is under 5 */
  percent: number | null;
  /** the acceptance limit, for the words under "accepted on time" */
  days?: number;
}

/** The month's counts must include 'accepted', 'daysToAcceptance' and 'outcome'. */
export async function headlineRates(month: string, counts: MonthCounts | undefined): Promise<HeadlineRate[]> {
  const accepted = publicCountOf(counts, 'accepted');
  const limit = deadlineRules().acceptance;
  const onTime = [...valuesOf(counts, 'daysToAcceptance')].reduce((sum, [days, counter]) => sum + (Number(days) <= limit ? counter.p : 0), 0);
  const concluded = outcomes.reduce((sum, outcome) => sum + publicCountOf(counts, 'outcome', outcome), 0);
  const { rated, satisfied } = await publicSatisfactionBase(month);
  return [
    { key: 'acceptedOnTime', percent: rate(onTime, accepted), days: limit },
    { key: 'concluded', percent: rate(concluded, accepted) },
    { key: 'satisfied', percent: rate(satisfied, rated) },
  ];
}

export function rate(part: number, base: number): number | null {
  return base >= smallCountThreshold ? Math.round((100 * part) / base) : null;
}

/**
 * What one case contributes to its month's roll-up, as pure functions: the
 * dimension values its figures (cases/case-figures.ts) count under, and the
 * counters they add up to. The monthly report describes the cases received
 * in a month as they stand now.
 */
import type { CaseFigures } from '../cases/case-figures';

export const dimensions = [
  'total', 'kind', 'category', 'unit', 'reporterType', 'status', 'accepted', 'decision', 'outcome', 'measure',
  'unitOutcome', 'unitCategory', 'daysToAcceptance', 'daysToConclusion', 'openDue', 'channel', 'channelStage',
  'unitChannel', 'unitTimeliness',
] as const;
export type Dimension = (typeof dimensions)[number];

/** The outcome key of a case not concluded yet (in unitOutcome). */
export const noOutcome = 'none';

export function contributions(f: CaseFigures): Array<[Dimension, string]> {
  const found: Array<[Dimension, string]> = [
    ['total', ''], ['kind', f.kind], ['category', f.category], ['unit', f.unit], ['reporterType', f.reporterType], ['status', f.status],
    ['unitOutcome', `${f.unit}|${f.outcome ?? noOutcome}`], ['unitCategory', `${f.unit}|${f.category}`],
    ['channel', f.channel], ['channelStage', `${f.channel}|${f.status}`],
    ['unitChannel', `${f.unit}|${f.channel}`],
  ];
  // The unit assessment (assessment/): per unit, accepted and concluded cases and how many of them on time.
  if (f.acceptedOnTime !== null) found.push(['unitTimeliness', `${f.unit}|accepted`]);
  if (f.acceptedOnTime) found.push(['unitTimeliness', `${f.unit}|acceptedOnTime`]);
  if (f.concludedOnTime !== null) found.push(['unitTimeliness', `${f.unit}|concluded`]);
  if (f.concludedOnTime) found.push(['unitTimeliness', `${f.unit}|concludedOnTime`]);
  if (f.accepted) found.push(['accepted', '']);
  if (f.decision) found.push(['decision', f.decision]);
  if (f.outcome) found.push(['outcome', f.outcome]);
  for (const measure of f.measures) found.push(['measure', measure]);
  if (f.daysToAcceptance !== null) found.push(['daysToAcceptance', String(f.daysToAcceptance)]);
  if (f.daysToConclusion !== null) found.push(['daysToConclusion', String(f.daysToConclusion)]);
  if (f.dueDate) found.push(['openDue', `${f.dueDate.slice(0, 7)}|${f.status}`]);
  return found;
}

export interface Counter {
  n: number;
  p: number;
}
export type MonthCounts = Map<Dimension, Map<string, Counter>>;

/** Adds (sign 1) or removes (sign -1) one case's contributions. */
export function addFigures(counts: MonthCounts, figures: CaseFigures, sign: 1 | -1): void {
  for (const [dimension, key] of contributions(figures)) {
    const values = counts.get(dimension) ?? new Map<string, Counter>();
    counts.set(dimension, values);
    const counter = values.get(key) ?? { n: 0, p: 0 };
    counter.n += sign;
    if (!figures.commission) counter.p += sign;
    values.set(key, counter);
  }
}

export function countFigures(all: Iterable<CaseFigures>): MonthCounts {
  const counts: MonthCounts = new Map();
  for (const figures of all) addFigures(counts, figures, 1);
  return counts;
}


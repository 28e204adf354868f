/**
 * The indicators of the unit assessment, one entry each: what it counts,
 * how to read it, the weight it has in the score, and where its figures come
 * from. Every figure is read from kept counters by _id (the monthly roll-up,
 * the reporter's voice counts), never from the cases.
 *
 * Each indicator gives a unit 0 to 100 points (or none, when there is
 * nothing to judge by); the score is the weighted mean of the points a unit
 * has (assessment-score.ts). An indicator without a weight key is shown
 * and not scored.
 *
 * To add one: one more entry here, with its locale keys in assessment.json;
 * its weight appears in the weights form by itself.
 */
import type { Language } from '../lib/i18n';
import { readVoiceEntries } from '../voice/voice-counts.model';
import { rectificationFiguresByUnit } from '../rectification/rectification-figures';
import { windowRatingFiguresByUnit } from '../windows/window-figures';
import type { Dimension } from '../oversight/rollup-figures';
import type { AssessmentPeriod } from './assessment-periods';

export interface IndicatorFigure {
  /** the number counted */
  count: number;
  /** what it is counted out of (a rate), or null */
  base: number | null;
  /** 0–100, or null when the unit has nothing to judge by here */
  points: number | null;
  countHref?: string;
  baseHref?: string;
}

export interface IndicatorContext {
  period: AssessmentPeriod;
  lang: Language;
  /** a roll-up counter summed over the period's months */
  count(dimension: Dimension, key: string): number;
  /** the case list over the period's received dates, with these filters */
  casesHref(filters: Record<string, string>): string;
}

export interface Indicator {
  id: string;
  /** locale keys: the column heading and how to read the figure */
  labelKey: string;
  readingKey: string;
  /** the key of its weight in the settings; null: shown, not scored */
  weightKey: string | null;
  defaultWeight: number;
  /** a count out of a base (shown "count / base"), or a plain count */
  rate: boolean;
  /** reads what it needs for the period once, then gives each unit's figure */
  figures(ctx: IndicatorContext): Promise<(unit: string) => IndicatorFigure>;
}

/** Points a unit loses for each problem the inspection group found there. */
export const pointsPerFinding = 10;

const share = (count: number, base: number): number | null => (base > 0 ? (100 * count) / base : null);
const upheldOutcomes = ['substantiated', 'partlySubstantiated'] as const;
const satisfiedLevels = new Set(['satisfied', 'basicallySatisfied']);
const satisfiedWindowLevels = ['verySatisfied', 'satisfied', 'basicallySatisfied'] as const;

export const assessmentIndicators: readonly Indicator[] = [
  {
    id: 'received', labelKey: 'assessment.indicators.received.label', readingKey: 'assessment.indicators.received.reading', weightKey: null, defaultWeight: 0, rate: false,
    async figures(ctx) {
      return (unit) => ({
        count: ctx.count('unit', unit) - ctx.count('unitChannel', `${unit}|inspection`), base: null, points: null,
        countHref: ctx.casesHref({ unit, source: 'public' }),
      });
    },
  },
  {
    id: 'substantiated', labelKey: 'assessment.indicators.substantiated.label', readingKey: 'assessment.indicators.substantiated.reading', weightKey: 'substantiated', defaultWeight: 20, rate: true,
    async figures(ctx) {
      return (unit) => {
        const count = upheldOutcomes.reduce((sum, outcome) => sum + ctx.count('unitOutcome', `${unit}|${outcome}`), 0);
        const base = ctx.count('unitTimeliness', `${unit}|concluded`);
        const notUpheld = share(base - count, base);
        return { count, base, points: notUpheld, countHref: ctx.casesHref({ unit, outcome: 'upheld' }), baseHref: ctx.casesHref({ unit, outcome: 'any' }) };
      };
    },
  },
  {
    id: 'acceptedOnTime', labelKey: 'assessment.indicators.acceptedOnTime.label', readingKey: 'assessment.indicators.acceptedOnTime.reading', weightKey: 'acceptedOnTime', defaultWeight: 20, rate: true,
    async figures(ctx) {
      return (unit) => {
        const base = ctx.count('unitTimeliness', `${unit}|accepted`);
        const count = ctx.count('unitTimeliness', `${unit}|acceptedOnTime`);
        return { count, base, points: share(count, base), baseHref: ctx.casesHref({ unit, accepted: 'yes' }) };
      };
    },
  },
  {
    id: 'concludedOnTime', labelKey: 'assessment.indicators.concludedOnTime.label', readingKey: 'assessment.indicators.concludedOnTime.reading', weightKey: 'concludedOnTime', defaultWeight: 20, rate: true,
    async figures(ctx) {
      return (unit) => {
        const base = ctx.count('unitTimeliness', `${unit}|concluded`);
        const count = ctx.count('unitTimeliness', `${unit}|concludedOnTime`);
        return { count, base, points: share(count, base), baseHref: ctx.casesHref({ unit, outcome: 'any' }) };
      };
    },
  },
  {
    id: 'findings', labelKey: 'assessment.indicators.findings.label', readingKey: 'assessment.indicators.findings.reading', weightKey: 'findings', defaultWeight: 20, rate: false,
    async figures(ctx) {
      return (unit) => {
        const count = ctx.count('unitChannel', `${unit}|inspection`);
        return { count, base: null, points: Math.max(0, 100 - pointsPerFinding * count), countHref: ctx.casesHref({ unit, channel: 'inspection' }) };
      };
    },
  },
  {
    id: 'satisfaction', labelKey: 'assessment.indicators.satisfaction.label', readingKey: 'assessment.indicators.satisfaction.reading', weightKey: 'satisfaction', defaultWeight: 20, rate: true,
    async figures(ctx) {
      // Ratings count in the month they were given (voice/): one counter document per month, by _id.
      const entries = (await Promise.all(ctx.period.months.map((month) => readVoiceEntries(month, 'rating')))).flat();
      const byUnit = new Map<string, { satisfied: number; total: number }>();
      for (const entry of entries) {
        const sum = byUnit.get(entry.unit) ?? { satisfied: 0, total: 0 };
        byUnit.set(entry.unit, { satisfied: sum.satisfied + (satisfiedLevels.has(entry.value) ? 1 : 0), total: sum.total + 1 });
      }
      return (unit) => {
        const { satisfied, total } = byUnit.get(unit) ?? { satisfied: 0, total: 0 };
        return { count: satisfied, base: total, points: share(satisfied, total) };
      };
    },
  },
  {
    id: 'rectificationOnTime', labelKey: 'assessment.indicators.rectificationOnTime.label', readingKey: 'assessment.indicators.rectificationOnTime.reading', weightKey: 'rectificationOnTime', defaultWeight: 20, rate: true,
    async figures(ctx) {
      // Items opened in the period, as they stand now (rectification/); one not yet due has no result to judge by.
      const byUnit = await rectificationFiguresByUnit(ctx.period.months);
      return (unit) => {
        const { closedOnTime = 0, overdue = 0 } = byUnit.get(unit) ?? {};
        const base = closedOnTime + overdue;
        return { count: closedOnTime, base, points: share(closedOnTime, base), ...(byUnit.has(unit) ? { countHref: `/staff/rectification/units/${encodeURIComponent(unit)}` } : {}) };
      };
    },
  },
  {
    id: 'windowRatings', labelKey: 'assessment.indicators.windowRatings.label', readingKey: 'assessment.indicators.windowRatings.reading', weightKey: 'windowRatings', defaultWeight: 20, rate: true,
    async figures(ctx) {
      // Window ratings count in the month they were given (windows/), like the reporters' ratings.
      const byUnit = new Map((await windowRatingFiguresByUnit(ctx.period.months)).map((row) => [row.unit, row]));
      return (unit) => {
        const row = byUnit.get(unit);
        const count = row ? satisfiedWindowLevels.reduce((sum, level) => sum + row.levels[level], 0) : 0;
        return { count, base: row?.total ?? 0, points: share(count, row?.total ?? 0) };
      };
    },
  },
];

/** The indicators that count in the score. */
export const weightedIndicators = assessmentIndicators.filter((indicator): indicator is Indicator & { weightKey: string } => indicator.weightKey !== null);

/**
 * What one case contributes to its month's roll-up, as pure functions: the
 * fields statistics read (all precomputed on the case), the dimension values
 * they count under, and the line a case is remembered by in its month.
 *
 * A case counts in the month it was received (monthKey), whatever happened
 * to it since: the report describes the cases received in a month as they
 * stand now.
 */
import { decisionFromStatus, stageOrder, type CaseStatus } from '../cases/case-status';

export const dimensions = [
  'total', 'kind', 'category', 'unit', 'reporterType', 'status', 'accepted', 'decision', 'outcome', 'measure',
  'unitOutcome', 'unitCategory', 'daysToAcceptance', 'daysToConclusion', 'openDue',
] as const;
export type Dimension = (typeof dimensions)[number];

/** The outcome key of a case not concluded yet (in unitOutcome). */
export const noOutcome = 'none';

export interface CaseFigures {
  id: string;
  month: string;
  kind: string;
  reporterType: string;
  unit: string;
  category: string;
  /** about the commission's own staff: counted in totals only on the public page */
  commission: boolean;
  status: string;
  accepted: boolean;
  /** declined or transferred, also after the case was closed */
  decision: string | null;
  outcome: string | null;
  measures: string[];
  daysToAcceptance: number | null;
  daysToConclusion: number | null;
  dueDate: string | null;
}

/** The case fields figuresOfCase reads: the projection for scans. */
export const caseFigureFields = {
  monthKey: 1, kind: 1, reporterType: 1, unitCode: 1, categoryCode: 1, concernsCommission: 1, status: 1,
  acceptedDate: 1, decision: 1, outcome: 1, measures: 1, workingDaysToAcceptance: 1, workingDaysToConclusion: 1, dueDate: 1,
} as const;

export interface CaseLike {
  _id: unknown;
  monthKey: string;
  kind: string;
  reporterType: string;
  unitCode: string;
  categoryCode: string;
  concernsCommission?: boolean | null;
  status: string;
  acceptedDate?: string | null;
  decision?: string | null;
  outcome?: string | null;
  measures?: readonly string[] | null;
  workingDaysToAcceptance?: number | null;
  workingDaysToConclusion?: number | null;
  dueDate?: string | null;
}

export function figuresOfCase(doc: CaseLike): CaseFigures {
  return {
    id: String(doc._id),
    month: doc.monthKey,
    kind: doc.kind,
    reporterType: doc.reporterType,
    unit: doc.unitCode,
    category: doc.categoryCode,
    commission: Boolean(doc.concernsCommission),
    status: doc.status,
    accepted: Boolean(doc.acceptedDate),
    decision: doc.decision ?? decisionFromStatus(doc.status),
    outcome: doc.outcome ?? null,
    measures: [...new Set(doc.measures ?? [])],
    daysToAcceptance: wholeNumberOrNull(doc.workingDaysToAcceptance),
    daysToConclusion: wholeNumberOrNull(doc.workingDaysToConclusion),
    dueDate: doc.dueDate ?? null,
  };
}

/** Every move goes to a higher stage, so a higher stage is always the later state of a case. */
export function stageOf(figures: CaseFigures): number {
  return stageOrder[figures.status as CaseStatus] ?? -1;
}

export function contributions(f: CaseFigures): Array<[Dimension, string]> {
  const found: Array<[Dimension, string]> = [
    ['total', ''], ['kind', f.kind], ['category', f.category], ['unit', f.unit], ['reporterType', f.reporterType], ['status', f.status],
    ['unitOutcome', `${f.unit}|${f.outcome ?? noOutcome}`], ['unitCategory', `${f.unit}|${f.category}`],
  ];
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

export function encodeFigures(f: CaseFigures): string {
  const tuple = [f.kind, f.reporterType, f.unit, f.category, f.commission ? 1 : 0, f.status, f.accepted ? 1 : 0, f.outcome ?? '', f.measures, f.daysToAcceptance ?? -1, f.daysToConclusion ?? -1, f.dueDate ?? '', f.decision ?? ''];
  return `${f.id} ${JSON.stringify(tuple)}`;
}

export function decodeFigures(month: string, line: string): CaseFigures {
  const space = line.indexOf(' ');
  // Lines written before `decision` was added end after dueDate.
  const [kind, reporterType, unit, category, commission, status, accepted, outcome, measures, daysToAcceptance, daysToConclusion, dueDate, decision] = JSON.parse(line.slice(space + 1)) as [string, string, string, string, number, string, number, string, string[], number, number, string, string?];
  return {
    id: line.slice(0, space), month, kind, reporterType, unit, category, commission: commission === 1, status, accepted: accepted === 1,
    outcome: outcome || null, measures, daysToAcceptance: daysToAcceptance < 0 ? null : daysToAcceptance,
    daysToConclusion: daysToConclusion < 0 ? null : daysToConclusion, dueDate: dueDate || null,
    decision: decision === undefined ? decisionFromStatus(status) : decision || null,
  };
}

export function encodeMonthCases(cases: ReadonlyMap<string, CaseFigures>): string {
  return [...cases.values()].map(encodeFigures).join('\n');
}

export function decodeMonthCases(month: string, lines: string | null | undefined): Map<string, CaseFigures> {
  const cases = new Map<string, CaseFigures>();
  for (const line of (lines ?? '').split('\n')) {
    if (!line) continue;
    const figures = decodeFigures(month, line);
    cases.set(figures.id, figures);
  }
  return cases;
}

function wholeNumberOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : null;
}

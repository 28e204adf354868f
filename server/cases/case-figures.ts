/**
 * What one case counts as, wherever cases are counted: the fields statistics
 * read (all precomputed on the case), and the line a case is remembered by in
 * its month (`<case id> <JSON figures>`), as pure functions.
 *
 * A case counts in the month it was received (monthKey), whatever happened
 * to it since.
 */
import { channelOf } from './case-channels';
import { decisionFromStage, stageOrder, type CaseStage } from './case-stages';
import { dueDateInStage, transferPlanInForce } from './deadlines';

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
  /** how many times the case went back a stage (review, reopening) */
  round: number;
  /** how it came in (case-channels.ts) */
  channel: string;
  /** accepted on or before its acceptance deadline; null when not accepted */
  acceptedOnTime: boolean | null;
  /** concluded on or before its conclusion target (months from acceptance or reopening); null when not concluded */
  concludedOnTime: boolean | null;
  /** marked to be transferred (转办): its deadline became the transfer limit within the same stage */
  transferPlanned: boolean;
}

/** The case fields figuresOfCase reads: the projection for scans. */
export const caseFigureFields = {
  monthKey: 1, kind: 1, reporterType: 1, unitCode: 1, categoryCode: 1, concernsCommission: 1, supervisorsOnly: 1, status: 1,
  acceptedDate: 1, decision: 1, outcome: 1, measures: 1, workingDaysToAcceptance: 1, workingDaysToConclusion: 1, dueDate: 1, round: 1, channel: 1,
  acceptDueDate: 1, concludedDate: 1, transferPlannedDate: 1, reopenedDate: 1,
} as const;

export interface CaseLike {
  _id: unknown;
  monthKey: string;
  kind: string;
  reporterType: string;
  unitCode: string;
  categoryCode: string;
  concernsCommission?: boolean | null;
  supervisorsOnly?: boolean | null;
  status: string;
  acceptedDate?: string | null;
  decision?: string | null;
  outcome?: string | null;
  measures?: readonly string[] | null;
  workingDaysToAcceptance?: number | null;
  workingDaysToConclusion?: number | null;
  dueDate?: string | null;
  round?: number | null;
  channel?: string | null;
  acceptDueDate?: string | null;
  concludedDate?: string | null;
  transferPlannedDate?: string | null;
  reopenedDate?: string | null;
}

export function figuresOfCase(doc: CaseLike): CaseFigures {
  return {
    id: String(doc._id),
    month: doc.monthKey,
    kind: doc.kind,
    reporterType: doc.reporterType,
    unit: doc.unitCode,
    category: doc.categoryCode,
    // A supervisors-only case (retaliation) is kept out of the public breakdowns like one about the commission's staff.
    commission: Boolean(doc.concernsCommission || doc.supervisorsOnly),
    status: doc.status,
    accepted: Boolean(doc.acceptedDate),
    decision: doc.decision ?? decisionFromStage(doc.status),
    outcome: doc.outcome ?? null,
    measures: [...new Set(doc.measures ?? [])],
    daysToAcceptance: wholeNumberOrNull(doc.workingDaysToAcceptance),
    daysToConclusion: wholeNumberOrNull(doc.workingDaysToConclusion),
    dueDate: doc.dueDate ?? null,
    round: wholeNumberOrNull(doc.round) ?? 0,
    channel: channelOf(doc),
    transferPlanned: transferPlanInForce(doc),
    ...onTime(doc),
  };
}

/** The two deadlines the unit assessment counts, from the dates on the case (deadlines.ts). */
function onTime(doc: CaseLike): Pick<CaseFigures, 'acceptedOnTime' | 'concludedOnTime'> {
  const accepted = doc.acceptedDate ?? null;
  const outcome = doc.outcome ?? null;
  const conclusionDue = accepted ? dueDateInStage('investigating', { acceptDueDate: doc.acceptDueDate ?? '', acceptedDate: accepted, reopenedDate: doc.reopenedDate ?? null }) : null;
  return {
    acceptedOnTime: accepted && doc.acceptDueDate ? accepted <= doc.acceptDueDate : null,
    concludedOnTime: outcome && doc.concludedDate && conclusionDue ? doc.concludedDate <= conclusionDue : null,
  };
}

/**
 * Within a round every move goes to a higher stage, and a move back (into
 * review, or reopening) starts the next round, so a higher value is always the
 * later state of a case.
 */
export function stageOf(figures: CaseFigures): number {
  // Marking a case to be transferred changes its deadline, not its stage: it is the later state within that stage.
  return figures.round * 100 + (stageOrder[figures.status as CaseStage] ?? -1) + (figures.transferPlanned ? 0.5 : 0);
}

export function encodeFigures(f: CaseFigures): string {
  const tuple = [f.kind, f.reporterType, f.unit, f.category, f.commission ? 1 : 0, f.status, f.accepted ? 1 : 0, f.outcome ?? '', f.measures, f.daysToAcceptance ?? -1, f.daysToConclusion ?? -1, f.dueDate ?? '', f.decision ?? '', f.round, f.channel, onTimeCode(f.acceptedOnTime), onTimeCode(f.concludedOnTime), f.transferPlanned ? 1 : 0];
  return `${f.id} ${JSON.stringify(tuple)}`;
}

export function decodeFigures(month: string, line: string): CaseFigures {
  const space = line.indexOf(' ');
  // Lines written before `decision` was added end after dueDate; before `round`, after decision; before `channel`, after round; before the on-time marks, after channel; before `transferPlanned`, after the on-time marks.
  const [kind, reporterType, unit, category, commission, status, accepted, outcome, measures, daysToAcceptance, daysToConclusion, dueDate, decision, round, channel, acceptedOnTime, concludedOnTime, transferPlanned] = JSON.parse(line.slice(space + 1)) as [string, string, string, string, number, string, number, string, string[], number, number, string, string?, number?, string?, number?, number?, number?];
  return {
    id: line.slice(0, space), month, kind, reporterType, unit, category, commission: commission === 1, status, accepted: accepted === 1,
    outcome: outcome || null, measures, daysToAcceptance: daysToAcceptance < 0 ? null : daysToAcceptance,
    daysToConclusion: daysToConclusion < 0 ? null : daysToConclusion, dueDate: dueDate || null,
    decision: decision === undefined ? decisionFromStage(status) : decision || null,
    round: round ?? 0,
    channel: channelOf({ channel }),
    acceptedOnTime: onTimeOf(acceptedOnTime),
    concludedOnTime: onTimeOf(concludedOnTime),
    transferPlanned: transferPlanned === 1,
  };
}

/** An on-time mark in a line: 1 on time, 0 late, -1 not yet (or a line written before the marks). */
function onTimeCode(value: boolean | null): number {
  return value === null ? -1 : value ? 1 : 0;
}

function onTimeOf(code: number | undefined): boolean | null {
  return code === 1 ? true : code === 0 ? false : null;
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

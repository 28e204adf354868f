/**
 * The commission's queue: filters, sorting, pages and counts per stage,
 * restricted to what the signed-in person may see. It reads the kept lists
 * (cases/listings/), never the cases: the working set (every case not yet
 * closed) and, when the filters name a period or closed cases, the closed
 * cases received in those months; then filters, sorts and counts in memory.
 * Without a period, closed cases are those received in the last 12 months.
 */
import { caseChannels, isPublicChannel } from '../cases/case-channels';
import { z } from 'zod';
import { readListing } from '../cases/listings/listing-read.service';
import type { ListingRow } from '../cases/listings/listing-row';
import { caseDecisions, caseKinds, caseStages, measures, outcomes, reporterTypes } from '../cases/case-stages';
import { workingCalendar } from '../cases/deadlines';
import type { SignedInStaff } from '../staff/access';
import { canSee, isSupervisor } from './case-access';
import { deadlineStatus, type DeadlineStatus } from '../cases/working-days';
import { chinaDateOf } from '../lib/china-time';
import { unseenAdditionCaseIds } from '../cases/reporter-addition.model';

export const queuePageSize = 25;

const code = z.string().max(40).regex(/^[a-z0-9-]+$/);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const blankAsMissing = (value: unknown) => (value === '' ? undefined : value);

export const queueFiltersSchema = z.object({
  status: z.preprocess(blankAsMissing, z.enum(caseStages).optional()),
  unit: z.preprocess(blankAsMissing, code.optional()),
  category: z.preprocess(blankAsMissing, code.optional()),
  kind: z.preprocess(blankAsMissing, z.enum(caseKinds).optional()),
  reporterType: z.preprocess(blankAsMissing, z.enum(reporterTypes).optional()),
  assignee: z.preprocess(blankAsMissing, z.string().regex(/^([0-9a-f]{24}|none)$/).optional()),
  overdue: z.preprocess(blankAsMissing, z.literal('yes').optional()),
  from: z.preprocess(blankAsMissing, date.optional()),
  to: z.preprocess(blankAsMissing, date.optional()),
  // For the monthly report's links: the month received, the outcome (any, none), ever accepted, declined or transferred, a measure, deadline passed by a month's end.
  month: z.preprocess(blankAsMissing, month.optional()),
  outcome: z.preprocess(blankAsMissing, z.enum([...outcomes, 'any', 'none', 'upheld']).optional()),
  accepted: z.preprocess(blankAsMissing, z.literal('yes').optional()),
  decision: z.preprocess(blankAsMissing, z.enum(caseDecisions).optional()),
  measure: z.preprocess(blankAsMissing, z.enum(measures).optional()),
  dueBy: z.preprocess(blankAsMissing, month.optional()),
  channel: z.preprocess(blankAsMissing, z.enum(caseChannels).optional()),
  source: z.preprocess(blankAsMissing, z.enum(['public', 'inspection']).optional()),
  // A day's work: the signed-in person's own cases, cases with a reporter's addition nobody has opened.
  mine: z.preprocess(blankAsMissing, z.literal('yes').optional()),
  addition: z.preprocess(blankAsMissing, z.literal('yes').optional()),
  /** 实名 (contact details given in confidence) or anonymous */
  identity: z.preprocess(blankAsMissing, z.enum(['named', 'anonymous']).optional()),
  /** a reference (TZ-2026-00042) or its number: found by its key, never by a scan (queue-search.ts) */
  q: z.preprocess(blankAsMissing, z.string().max(40).optional()),
  sort: z.preprocess(blankAsMissing, z.enum(['due', 'received']).default('due')),
  page: z.preprocess(blankAsMissing, z.coerce.number().int().min(1).max(100_000).default(1)),
});

export type QueueFilters = z.infer<typeof queueFiltersSchema>;

export interface QueueRow {
  reference: string;
  receivedDate: string;
  unitCode: string;
  categoryCode: string;
  kind: string;
  status: string;
  assigneeId: string | null;
  dueDate: string | null;
  priority: string;
  light: DeadlineStatus | null;
  /** how it came in, when not by the form */
  channel: string | null;
  inspectionMethod: string | null;
  newAddition: boolean;
  named: boolean;
}

export interface QueuePage {
  rows: QueueRow[];
  total: number;
  page: number;
  pages: number;
  /** per stage, of the cases the other filters leave (the closed count only when closed cases were read or nothing else is filtered) */
  countsByStatus: Record<string, number>;
}

export async function queuePage(staff: SignedInStaff, filters: QueueFilters, now = new Date()): Promise<QueuePage> {
  const today = chinaDateOf(now);
  const closedMonths = closedMonthsFor(filters, today);
  const [{ rows, closedCounts }, unseen] = await Promise.all([readListing(closedMonths), unseenAdditionCaseIds()]);
  const visible = rows.filter((row) => canSee(staff, row));
  const matchesOthers = matches({ ...filters, status: undefined }, today, staff, unseen);
  const others = visible.filter(matchesOthers);
  const matching = others.filter((row) => !filters.status || row.status === filters.status).sort(filters.sort === 'received' ? byArrival : byStage);
  const countsByStatus: Record<string, number> = {};
  for (const row of others) if (row.status !== 'closed' || closedMonths.length > 0) countsByStatus[row.status] = (countsByStatus[row.status] ?? 0) + 1;
  if (closedMonths.length === 0 && !filtersOtherThanStage(filters)) {
    const closed = closedFor(staff, closedCounts);
    if (closed > 0) countsByStatus.closed = closed;
  }
  const start = (filters.page - 1) * queuePageSize;
  return {
    rows: matching.slice(start, start + queuePageSize).map((row) => ({
      reference: row.reference,
      receivedDate: row.receivedDate,
      unitCode: row.unitCode,
      categoryCode: row.categoryCode,
      kind: row.kind,
      status: row.status,
      assigneeId: row.assigneeId,
      dueDate: row.dueDate,
      priority: row.priority,
      light: row.dueDate ? deadlineStatus(row.dueDate, today, workingCalendar()) : null,
      channel: row.channel && row.channel !== 'web' ? row.channel : null,
      inspectionMethod: row.inspectionMethod ?? null,
      newAddition: unseen.has(row.id),
      named: Boolean(row.named),
    })),
    total: matching.length,
    page: filters.page,
    pages: Math.max(1, Math.ceil(matching.length / queuePageSize)),
    countsByStatus,
  };
}

const notNarrowing = new Set(['status', 'sort', 'page', 'q']);

function filtersOtherThanStage(filters: QueueFilters): boolean {
  return Object.entries(filters).some(([key, value]) => !notNarrowing.has(key) && value !== undefined);
}

const recentMonths = 12;

/** The received months whose closed cases the filters can show: the period asked for, or the last 12 months when they ask for closed cases. */
export function closedMonthsFor(filters: QueueFilters, today: string): string[] {
  if (filters.month) return [filters.month];
  const current = today.slice(0, 7);
  const asksForClosed = filters.status === 'closed' || filters.decision || filters.outcome || filters.accepted || filters.measure || filters.channel || filters.source;
  if (!filters.from && !filters.to && !asksForClosed) return [];
  const last = filters.to ? minMonth(filters.to.slice(0, 7), current) : current;
  const first = filters.from ? filters.from.slice(0, 7) : addMonths(last, -(recentMonths - 1));
  const months: string[] = [];
  for (let month = first; month <= last && months.length < 240; month = addMonths(month, 1)) months.push(month);
  return months;
}

function matches(filters: QueueFilters, today: string, staff: SignedInStaff, unseen: ReadonlySet<string>): (row: ListingRow) => boolean {
  return (row) =>
    (!filters.mine || row.assigneeId === staff.id) &&
    (!filters.addition || unseen.has(row.id)) &&
    (!filters.identity || Boolean(row.named) === (filters.identity === 'named')) &&
    (!filters.status || row.status === filters.status) &&
    (!filters.unit || row.unitCode === filters.unit) &&
    (!filters.category || row.categoryCode === filters.category) &&
    (!filters.kind || row.kind === filters.kind) &&
    (!filters.reporterType || row.reporterType === filters.reporterType) &&
    // A filter only narrows what this person may see: a handler asking for a colleague's cases (or unassigned ones) gets none.
    (!filters.assignee || row.assigneeId === (filters.assignee === 'none' ? null : filters.assignee)) &&
    (!filters.month || row.monthKey === filters.month) &&
    (!filters.outcome || (filters.outcome === 'any' ? row.outcome !== null : filters.outcome === 'none' ? row.outcome === null : filters.outcome === 'upheld' ? isUpheld(row.outcome) : row.outcome === filters.outcome)) &&
    (!filters.accepted || row.acceptedDate !== null) &&
    (!filters.decision || row.decision === filters.decision) &&
    (!filters.measure || row.measures.includes(filters.measure)) &&
    (!filters.channel || (row.channel ?? 'web') === filters.channel) &&
    (!filters.source || isPublicChannel(row.channel ?? 'web') === (filters.source === 'public')) &&
    // dueBy: a deadline on or before the month's last day ('YYYY-MM-31' sorts after every day of the month).
    (!filters.overdue || (row.dueDate !== null && row.dueDate < today)) &&
    (!filters.dueBy || (row.dueDate !== null && row.dueDate <= `${filters.dueBy}-31`)) &&
    (!filters.from || row.receivedDate >= filters.from) &&
    (!filters.to || row.receivedDate <= filters.to);
}

/** Substantiated in whole or in part (the unit assessment's links). */
function isUpheld(outcome: string | null): boolean {
  return outcome === 'substantiated' || outcome === 'partlySubstantiated';
}

function closedFor(staff: SignedInStaff, counts: { all: number; public: number; byAssignee: Record<string, number> }): number {
  if (isSupervisor(staff)) return counts.all;
  if (staff.roles.includes('intake')) return counts.public;
  return counts.byAssignee[staff.id] ?? 0;
}

// New first, closed last; within a stage by deadline (none first, as the database sorts null), then the latest arrival.
function byStage(a: ListingRow, b: ListingRow): number {
  return a.stageOrder - b.stageOrder || compareDue(a.dueDate, b.dueDate) || byArrival(a, b);
}

// A case keeps only the day it arrived; within a day named reports (实名) come first, then references in order of arrival.
function byArrival(a: ListingRow, b: ListingRow): number {
  return b.receivedAt - a.receivedAt || namedFirst(a, b) || (a.reference < b.reference ? 1 : a.reference > b.reference ? -1 : 0);
}

// The 2020 rules: named reports are handled first among equals.
function namedFirst(a: ListingRow, b: ListingRow): number {
  return Number(Boolean(b.named)) - Number(Boolean(a.named));
}

function compareDue(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function addMonths(month: string, count: number): string {
  const [year, number] = month.split('-').map(Number);
  const date = new Date(Date.UTC(year, number - 1 + count, 1));
  return date.toISOString().slice(0, 7);
}

function minMonth(a: string, b: string): string {
  return a < b ? a : b;
}

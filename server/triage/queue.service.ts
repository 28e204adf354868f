/**
 * The commission's queue: filters, sorting, pages and counts per status,
 * restricted to what the signed-in person may see. Only equality filters on
 * indexed fields and one range (dates kept as YYYY-MM-DD strings), so the
 * same queries run on MongoDB and FerretDB.
 */
import { trusted } from 'mongoose';
import { z } from 'zod';
import { Case } from '../cases/case.model';
import { caseDecisions, caseKinds, caseStages, measures, outcomes, reporterTypes } from '../cases/case-stages';
import { workingCalendar } from '../cases/deadlines';
import type { SignedInStaff } from '../staff/access';
import { visibleCasesFilter } from './case-access';
import { deadlineStatus, type DeadlineStatus } from '../cases/working-days';
import { chinaDateOf } from '../lib/china-time';

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
  outcome: z.preprocess(blankAsMissing, z.enum([...outcomes, 'any', 'none']).optional()),
  accepted: z.preprocess(blankAsMissing, z.literal('yes').optional()),
  decision: z.preprocess(blankAsMissing, z.enum(caseDecisions).optional()),
  measure: z.preprocess(blankAsMissing, z.enum(measures).optional()),
  dueBy: z.preprocess(blankAsMissing, month.optional()),
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
}

export interface QueuePage {
  rows: QueueRow[];
  total: number;
  page: number;
  pages: number;
  countsByStatus: Record<string, number>;
}

export async function queuePage(staff: SignedInStaff, filters: QueueFilters, now = new Date()): Promise<QueuePage> {
  const today = chinaDateOf(now);
  const visible = visibleCasesFilter(staff);
  const filtered = filterQuery(filters, today);
  // A filter can only narrow what this person may see: a handler asking for a colleague's cases (or unassigned ones) gets none.
  const contradicts = Object.entries(visible).some(([field, value]) => field in filtered && filtered[field] !== value);
  const query = contradicts ? { ...visible, _id: null } : { ...filtered, ...visible };
  const sort: Record<string, 1 | -1> = filters.sort === 'received' ? { receivedAt: -1 } : { stageOrder: 1, dueDate: 1, receivedAt: -1 };
  const [rows, counts, filteredTotal] = await Promise.all([
    Case.find(query, { reference: 1, receivedDate: 1, unitCode: 1, categoryCode: 1, kind: 1, status: 1, assigneeId: 1, dueDate: 1, priority: 1 })
      .sort(sort)
      .skip((filters.page - 1) * queuePageSize)
      .limit(queuePageSize)
      .lean(),
    Case.aggregate<{ _id: string; n: number }>([{ $match: visible }, { $group: { _id: '$status', n: { $sum: 1 } } }]),
    // Each query reads the whole collection on FerretDB: count separately only when the counts per status cannot tell.
    countsTellTotal(filtered) ? undefined : Case.countDocuments(query),
  ]);
  const countsByStatus: Record<string, number> = Object.fromEntries(counts.map((entry) => [entry._id, entry.n]));
  const total = filteredTotal ?? (filters.status ? countsByStatus[filters.status] ?? 0 : counts.reduce((sum, entry) => sum + entry.n, 0));
  return {
    rows: rows.map((row) => ({
      reference: row.reference,
      receivedDate: row.receivedDate,
      unitCode: row.unitCode,
      categoryCode: row.categoryCode,
      kind: row.kind,
      status: row.status,
      assigneeId: row.assigneeId ?? null,
      dueDate: row.dueDate ?? null,
      priority: row.priority ?? 'normal',
      light: row.dueDate ? deadlineStatus(row.dueDate, today, workingCalendar()) : null,
    })),
    total,
    page: filters.page,
    pages: Math.max(1, Math.ceil(total / queuePageSize)),
    countsByStatus,
  };
}

function countsTellTotal(filtered: Record<string, unknown>): boolean {
  return Object.keys(filtered).every((field) => field === 'status');
}

function filterQuery(filters: QueueFilters, today: string): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filters.status) query.status = filters.status;
  if (filters.unit) query.unitCode = filters.unit;
  if (filters.category) query.categoryCode = filters.category;
  if (filters.kind) query.kind = filters.kind;
  if (filters.reporterType) query.reporterType = filters.reporterType;
  if (filters.assignee) query.assigneeId = filters.assignee === 'none' ? null : filters.assignee;
  if (filters.month) query.monthKey = filters.month;
  if (filters.outcome) query.outcome = filters.outcome === 'any' ? trusted({ $ne: null }) : filters.outcome === 'none' ? null : filters.outcome;
  if (filters.accepted) query.acceptedDate = trusted({ $ne: null });
  if (filters.decision) query.decision = filters.decision;
  if (filters.measure) query.measures = filters.measure;
  if (filters.overdue || filters.dueBy) {
    // dueBy: a deadline on or before the month's last day ('YYYY-MM-31' sorts after every day of the month).
    query.dueDate = trusted({ ...(filters.overdue ? { $lt: today } : {}), ...(filters.dueBy ? { $lte: `${filters.dueBy}-31` } : {}) });
  }
  if (filters.from || filters.to) {
    query.receivedDate = trusted({ ...(filters.from ? { $gte: filters.from } : {}), ...(filters.to ? { $lte: filters.to } : {}) });
  }
  return query;
}

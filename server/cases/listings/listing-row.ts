/**
 * One case as staff lists see it: the clear fields the queue filters, sorts
 * and shows, nothing sealed. Pure functions.
 */
import { reporterDayOf } from '../reporter-time';
import type { CaseStage } from '../case-stages';
import { channelOf } from '../case-channels';

export interface ListingRow {
  id: string;
  reference: string;
  receivedDate: string;
  /** ms since the epoch, for sorting by arrival */
  receivedAt: number;
  monthKey: string;
  unitCode: string;
  categoryCode: string;
  kind: string;
  reporterType: string;
  status: CaseStage;
  stageOrder: number;
  assigneeId: string | null;
  dueDate: string | null;
  priority: string;
  concernsCommission: boolean;
  supervisorsOnly: boolean;
  acceptedDate: string | null;
  decision: string | null;
  outcome: string | null;
  measures: string[];
  /** how it came in; absent on rows kept before channels: the form */
  channel?: string;
  /** an inspection finding's method */
  inspectionMethod?: string | null;
  /** contact details given in confidence (实名): sorted first among equals; absent on rows kept before: anonymous */
  named?: boolean;
}

/** The case fields rowOf reads: the projection for lookups and scans. */
export const listingFields = {
  reference: 1, receivedDate: 1, receivedAt: 1, monthKey: 1, unitCode: 1, categoryCode: 1, kind: 1, reporterType: 1, status: 1, stageOrder: 1,
  assigneeId: 1, dueDate: 1, priority: 1, concernsCommission: 1, supervisorsOnly: 1, acceptedDate: 1, decision: 1, outcome: 1, measures: 1, channel: 1, inspectionMethod: 1, hasIdentity: 1,
} as const;

export interface ListedCase {
  _id: unknown;
  reference: string;
  receivedDate: string;
  receivedAt: Date | string | number;
  monthKey: string;
  unitCode: string;
  categoryCode: string;
  kind: string;
  reporterType: string;
  status: string;
  stageOrder?: number | null;
  assigneeId?: string | null;
  dueDate?: string | null;
  priority?: string | null;
  concernsCommission?: boolean | null;
  supervisorsOnly?: boolean | null;
  acceptedDate?: string | null;
  decision?: string | null;
  outcome?: string | null;
  measures?: readonly string[] | null;
  channel?: string | null;
  inspectionMethod?: string | null;
  hasIdentity?: boolean | null;
}

export function rowOf(stored: ListedCase): ListingRow {
  return {
    id: String(stored._id),
    reference: stored.reference,
    receivedDate: stored.receivedDate,
    // The day only, also for cases stored before reporters' times were kept to the day.
    receivedAt: reporterDayOf(new Date(stored.receivedAt)).getTime(),
    monthKey: stored.monthKey,
    unitCode: stored.unitCode,
    categoryCode: stored.categoryCode,
    kind: stored.kind,
    reporterType: stored.reporterType,
    status: stored.status as CaseStage,
    stageOrder: stored.stageOrder ?? 0,
    assigneeId: stored.assigneeId ?? null,
    dueDate: stored.dueDate ?? null,
    priority: stored.priority ?? 'normal',
    concernsCommission: Boolean(stored.concernsCommission),
    supervisorsOnly: Boolean(stored.supervisorsOnly),
    acceptedDate: stored.acceptedDate ?? null,
    decision: stored.decision ?? null,
    outcome: stored.outcome ?? null,
    measures: [...(stored.measures ?? [])],
    channel: channelOf(stored),
    inspectionMethod: stored.inspectionMethod ?? null,
    named: Boolean(stored.hasIdentity),
  };
}

export function isOpen(row: Pick<ListingRow, 'status'>): boolean {
  return row.status !== 'closed';
}

/** Where a case's row is kept: one document per open stage, one per received month for closed cases. */
export function listingIdOf(row: Pick<ListingRow, 'status' | 'monthKey'>): string {
  return isOpen(row) ? `open:${row.status}` : `closed:${row.monthKey}`;
}

export function encodeRows(rows: Iterable<ListingRow>): string {
  return JSON.stringify([...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
}

export function decodeRows(rows: string | null | undefined): ListingRow[] {
  return JSON.parse(rows || '[]') as ListingRow[];
}

/**
 * Reading the audit trail for supervisors and administrators: newest first,
 * filtered by action, actor, case reference and a date range (China time).
 *
 * Entries are read by key (their _id is their seq, as a string), walking back from the
 * head in batches: on FerretDB any filter or sort reads every entry ever
 * written, and the trail grows with every page staff open. Dates become a
 * seq range by bisection (seq and time grow together). A page reads at most
 * `auditReadBudget` entries; past that it says how far back it looked, and the
 * dates narrow the search. Entries written before entries were keyed
 * (below the head's keyedFrom) are searched the old way, only when a page
 * reaches back to them.
 */
import { trusted, type FilterQuery } from 'mongoose';
import { AuditAction, AuditEntry, AuditHead, auditKey, type AuditEntryDocument } from '../audit/audit.model';
import { auditHeadId } from '../audit/audit.service';

export interface AuditFilters {
  action?: string;
  actor?: string;
  caseRef?: string;
  /** YYYY-MM-DD, China time, inclusive */
  from?: string;
  to?: string;
  page: number;
}

export interface AuditPage {
  entries: AuditEntryDocument[];
  page: number;
  hasNext: boolean;
  /** Set when the page stopped at its read budget: the time of the oldest entry it read. */
  searchedBackTo?: Date;
}

export const auditPageSize = 50;
const readBatch = 100;
export const auditReadBudget = 1_000;
const chinaOffset = '+08:00';
const dayMs = 24 * 3600 * 1000;

export async function searchAudit(filters: AuditFilters): Promise<AuditPage> {
  const head = await AuditHead.findById(auditHeadId).lean();
  if (!head) return { entries: [], page: filters.page, hasNext: false };
  const keyedFrom = head.keyedFrom ?? head.seq + 1;
  const { from, to } = dateRange(filters);
  const wanted = filters.page * auditPageSize + 1;
  const matches = matcher(filters, from, to);
  const lowest = from ? await firstSeqAtOrAfter(from, keyedFrom, head.seq) : keyedFrom;
  const last = await lastSeq(head.seq);
  const highest = to ? (await firstSeqAtOrAfter(to, keyedFrom, last + 1)) - 1 : last;

  const found: AuditEntryDocument[] = [];
  let examined = 0;
  let oldestRead: Date | undefined;
  for (let upper = highest; upper >= lowest && found.length < wanted; upper -= readBatch) {
    if (examined >= auditReadBudget) return page(found, filters.page, oldestRead);
    const seqs = Array.from({ length: Math.min(readBatch, upper - lowest + 1) }, (_, offset) => upper - offset);
    const batch = await Promise.all(seqs.map((seq) => AuditEntry.findById(auditKey(seq)).lean<AuditEntryDocument>()));
    examined += batch.length;
    for (const entry of batch) {
      if (!entry) continue;
      oldestRead = entry.at;
      if (matches(entry)) found.push(entry);
    }
  }
  if (found.length < wanted && keyedFrom > 1 && lowest <= keyedFrom) found.push(...(await olderEntries(filters, from, to, keyedFrom, wanted - found.length)));
  return page(found, filters.page);
}

export async function auditActionsInUse(): Promise<string[]> {
  return (await AuditAction.find({}).lean()).map((action) => String(action._id)).sort();
}

function page(found: AuditEntryDocument[], number: number, searchedBackTo?: Date): AuditPage {
  const entries = found.slice((number - 1) * auditPageSize, number * auditPageSize);
  return { entries, page: number, hasNext: found.length > number * auditPageSize, searchedBackTo };
}

function dateRange(filters: AuditFilters): { from?: Date; to?: Date } {
  return {
    from: filters.from ? new Date(`${filters.from}T00:00:00${chinaOffset}`) : undefined,
    to: filters.to ? new Date(new Date(`${filters.to}T00:00:00${chinaOffset}`).getTime() + dayMs) : undefined,
  };
}

function matcher(filters: AuditFilters, from?: Date, to?: Date): (entry: AuditEntryDocument) => boolean {
  return (entry) =>
    (!filters.action || entry.action === filters.action) &&
    (!filters.actor || entry.actor === filters.actor) &&
    (!filters.caseRef || entry.caseRef === filters.caseRef) &&
    (!from || entry.at >= from) &&
    (!to || entry.at < to);
}

/** The head is a hint that concurrent appends may leave a step behind: the entries just after it, by key. */
async function lastSeq(hint: number): Promise<number> {
  let seq = hint;
  while (await AuditEntry.exists({ _id: auditKey(seq + 1) })) seq += 1;
  return seq;
}

/** The first keyed seq in [low, high] whose entry is at or after `at` (high when none is); a missing entry counts as earlier. */
async function firstSeqAtOrAfter(at: Date, low: number, high: number): Promise<number> {
  let [lo, hi] = [low, high];
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const entry = await AuditEntry.findById(auditKey(mid), { at: 1 }).lean();
    if (entry && entry.at >= at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

async function olderEntries(filters: AuditFilters, from: Date | undefined, to: Date | undefined, keyedFrom: number, limit: number): Promise<AuditEntryDocument[]> {
  const query: FilterQuery<AuditEntryDocument> = { seq: trusted({ $lt: keyedFrom }) };
  if (filters.action) query.action = filters.action;
  if (filters.actor) query.actor = filters.actor;
  if (filters.caseRef) query.caseRef = filters.caseRef;
  // sanitizeFilter is on (db.ts): operators we build ourselves are marked as trusted.
  if (from || to) query.at = trusted({ ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) });
  return AuditEntry.find(query).sort({ seq: -1 }).limit(limit).lean();
}

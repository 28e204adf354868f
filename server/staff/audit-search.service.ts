/**
 * Reading the audit trail for supervisors and administrators: newest first,
 * filtered by action, actor, case reference and a date range (China time).
 */
import { trusted, type FilterQuery } from 'mongoose';
import { AuditEntry, type AuditEntryDocument } from '../audit/audit.model';

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
}

export const auditPageSize = 50;
const chinaOffset = '+08:00';
const dayMs = 24 * 3600 * 1000;

export async function searchAudit(filters: AuditFilters): Promise<AuditPage> {
  const query: FilterQuery<AuditEntryDocument> = {};
  if (filters.action) query.action = filters.action;
  if (filters.actor) query.actor = filters.actor;
  if (filters.caseRef) query.caseRef = filters.caseRef;
  if (filters.from || filters.to) {
    const range: { $gte?: Date; $lt?: Date } = {};
    if (filters.from) range.$gte = new Date(`${filters.from}T00:00:00${chinaOffset}`);
    if (filters.to) range.$lt = new Date(new Date(`${filters.to}T00:00:00${chinaOffset}`).getTime() + dayMs);
    // sanitizeFilter is on (db.ts): operators we build ourselves are marked as trusted.
    query.at = trusted(range);
  }
  const found = await AuditEntry.find(query)
    .sort({ seq: -1 })
    .skip((filters.page - 1) * auditPageSize)
    .limit(auditPageSize + 1)
    .lean();
  return { entries: found.slice(0, auditPageSize), page: filters.page, hasNext: found.length > auditPageSize };
}

export async function auditActionsInUse(): Promise<string[]> {
  const actions: string[] = await AuditEntry.distinct('action');
  return actions.sort();
}

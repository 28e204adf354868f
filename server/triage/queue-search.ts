/**
 * The queue's search box: a reference (TZ-2026-00042, any case) or its
 * number alone (42 or 00042: this year's, then last year's), each tried by
 * its key in case_references (one read by _id each), never by a scan. A case
 * this person may not see is not found, so the box tells nobody it exists.
 */
import { caseIdForReference } from '../cases/case-reference-key.model';
import { Case } from '../cases/case.model';
import type { SignedInStaff } from '../staff/access';
import { canSee } from './case-access';

export function referencesToTry(query: string, today: string): string[] {
  const typed = query.trim().toUpperCase().replace(/\s+/g, '');
  const full = typed.match(/^TZ-?(\d{4})-?(\d{1,9})$/);
  if (full) return [reference(full[1], full[2])];
  const number = typed.match(/^\d{1,9}$/);
  if (!number) return [];
  const year = Number(today.slice(0, 4));
  return [reference(String(year), typed), reference(String(year - 1), typed)];
}

function reference(year: string, number: string): string {
  return `TZ-${year}-${number.replace(/^0+(?=\d)/, '').padStart(5, '0')}`;
}

/** The reference of the first case found that this person may see, or null. */
export async function findByReference(staff: SignedInStaff, query: string, today: string): Promise<string | null> {
  for (const candidate of referencesToTry(query, today)) {
    const caseId = await caseIdForReference(candidate);
    const found = caseId ? await Case.findById(caseId, { reference: 1, concernsCommission: 1, supervisorsOnly: 1, assigneeId: 1 }).lean() : null;
    if (found && canSee(staff, found)) return found.reference;
  }
  return null;
}

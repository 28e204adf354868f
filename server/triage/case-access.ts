/**
 * Who may see which case, decided on the server for every request:
 * intake officers and supervisors see the queue; handlers only the cases
 * assigned to them; cases about the commission's own staff, and retaliation
 * check-ins (supervisorsOnly), only supervisors;
 * administrators and custodians no case content unless they also hold a case
 * role. Who may act on a case is in the case-action table (case-actions.ts).
 */
import { caseIdForReference } from '../cases/case-reference-key.model';
import { Case, type CaseDocument } from '../cases/case.model';
import { forbidden, notFound } from '../lib/http-error';
import type { SignedInStaff } from '../staff/access';

export function isSupervisor(staff: SignedInStaff): boolean {
  return staff.roles.includes('supervisor');
}

/** For a case or its row in a list. */
export function canSee(staff: SignedInStaff, caseDocument: { concernsCommission?: boolean | null; supervisorsOnly?: boolean | null; assigneeId?: string | null }): boolean {
  if (isSupervisor(staff)) return true;
  if (caseDocument.concernsCommission || caseDocument.supervisorsOnly) return false;
  if (staff.roles.includes('intake')) return true;
  return staff.roles.includes('handler') && caseDocument.assigneeId === staff.id;
}

export async function caseForStaff(staff: SignedInStaff, reference: string): Promise<CaseDocument> {
  const caseDocument = await caseByReference(reference);
  if (!canSee(staff, caseDocument)) throw forbidden();
  return caseDocument;
}

/** Any case by its reference, whoever asks (the identity custodian's page checks its own role). */
export async function caseByReference(reference: string): Promise<CaseDocument> {
  if (!/^TZ-\d{4}-\d{5,}$/.test(reference)) throw notFound();
  const caseId = await caseIdForReference(reference);
  const caseDocument = caseId ? await Case.findById(caseId).lean<CaseDocument>() : null;
  if (!caseDocument) throw notFound();
  return caseDocument;
}

/**
 * Who may see which case, decided on the server for every request:
 * intake officers and supervisors see the queue; handlers only the cases
 * assigned to them; cases about the commission's own staff only supervisors;
 * administrators and custodians no case content unless they also hold a case role.
 */
import { Case, type CaseDocument } from '../cases/case.model';
import { forbidden, notFound } from '../lib/http-error';
import type { SignedInStaff } from '../staff/access';

export type CaseAction =
  | 'accept' | 'decline' | 'transfer' | 'assign' | 'priority'
  | 'investigate' | 'reply' | 'request' | 'note' | 'findings' | 'link'
  | 'conclude' | 'close';

const allowedRoles: Record<CaseAction, readonly string[]> = {
  accept: ['intake', 'supervisor'],
  decline: ['intake', 'supervisor'],
  transfer: ['intake', 'supervisor'],
  assign: ['intake', 'supervisor'],
  priority: ['intake', 'supervisor'],
  investigate: ['handler', 'supervisor'],
  reply: ['intake', 'handler', 'supervisor'],
  request: ['intake', 'handler', 'supervisor'],
  note: ['intake', 'handler', 'supervisor'],
  findings: ['handler', 'supervisor'],
  link: ['intake', 'handler', 'supervisor'],
  conclude: ['supervisor'],
  close: ['intake', 'supervisor'],
};

export function isSupervisor(staff: SignedInStaff): boolean {
  return staff.roles.includes('supervisor');
}

/** The query restriction that matches what this person may see in the queue. */
export function visibleCasesFilter(staff: SignedInStaff): Record<string, unknown> {
  if (isSupervisor(staff)) return {};
  const filter: Record<string, unknown> = { concernsCommission: false };
  if (!staff.roles.includes('intake')) filter.assigneeId = staff.id;
  return filter;
}

export function canSee(staff: SignedInStaff, caseDocument: CaseDocument): boolean {
  if (isSupervisor(staff)) return true;
  if (caseDocument.concernsCommission) return false;
  if (staff.roles.includes('intake')) return true;
  return staff.roles.includes('handler') && caseDocument.assigneeId === staff.id;
}

export function may(staff: SignedInStaff, action: CaseAction, caseDocument: CaseDocument): boolean {
  if (!canSee(staff, caseDocument)) return false;
  const roles = allowedRoles[action].filter((role) => staff.roles.includes(role as never));
  if (roles.length === 0) return false;
  // A handler acts only on their own cases, even when the action is open to handlers.
  return !(roles.length === 1 && roles[0] === 'handler' && caseDocument.assigneeId !== staff.id);
}

export async function caseForStaff(staff: SignedInStaff, reference: string): Promise<CaseDocument> {
  if (!/^TZ-\d{4}-\d{5,}$/.test(reference)) throw notFound();
  const caseDocument = await Case.findOne({ reference }).lean<CaseDocument>();
  if (!caseDocument) throw notFound();
  if (!canSee(staff, caseDocument)) throw forbidden();
  return caseDocument;
}

export function requireAction(staff: SignedInStaff, action: CaseAction, caseDocument: CaseDocument): void {
  if (!may(staff, action, caseDocument)) throw forbidden();
}

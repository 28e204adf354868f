/**
 * Who sees and does what with rectification items. The commission
 * (supervisors and intake officers) sees every unit's items and verifies or
 * sends back; supervisors alone open items. A liaison (联络员) is bound to one
 * unit and sees that unit's items only, answering them; nothing else of the
 * staff area (no case, identity, queue or report) lets a liaison in.
 */
import { forbidden } from '../lib/http-error';
import type { SignedInStaff } from '../staff/access';

export function isCommission(staff: SignedInStaff): boolean {
  return staff.roles.includes('supervisor') || staff.roles.includes('intake');
}

export function isLiaisonOf(staff: SignedInStaff, unitCode: string): boolean {
  return staff.roles.includes('liaison') && Boolean(staff.unitCode) && staff.unitCode === unitCode;
}

/** A unit's list and items: the commission, or that unit's own liaison; 403 otherwise. */
export function checkSeesUnit(staff: SignedInStaff, unitCode: string): void {
  if (!isCommission(staff) && !isLiaisonOf(staff, unitCode)) throw forbidden();
}

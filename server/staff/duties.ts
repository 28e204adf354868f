/**
 * Separation of duties, in one place: which account changes an administrator
 * may make alone and which need a second person, who that person may be, and
 * which roles an administrator may not hold beside their own.
 */
import type { StaffRole } from './staff.model';

/** Who may approve another person's change: the roles that answer for case work and identities. */
export const approverRoles: readonly StaffRole[] = ['supervisor', 'custodian'];

/**
 * Roles an administrator account may not hold as well (unless
 * ALLOW_ADMIN_CASE_ROLES): the case roles, the custodian, who opens
 * identities, and the inspector, whose findings become cases (and whose list
 * names units, days and methods of unannounced visits). Otherwise one person
 * manages accounts and reads what they protect. Granting the inspector's role
 * needs no second person: it approves nothing and opens no sealed content.
 */
export const rolesApartFromAdmin: readonly StaffRole[] = ['intake', 'handler', 'supervisor', 'custodian', 'inspector'];

/** A request not decided by then expires, and nothing changes. */
export const approvalLifetimeHours = 72;

export function mixesAdminAndCaseRoles(roles: readonly string[]): boolean {
  return roles.includes('admin') && roles.some((role) => rolesApartFromAdmin.includes(role as StaffRole));
}

/** Giving an approver's role (supervisor, custodian) needs a second person: its holder could approve, or opens identities. */
export function grantsApproverRole(from: readonly string[], to: readonly string[]): boolean {
  return to.some((role) => approverRoles.includes(role as StaffRole) && !from.includes(role));
}

/**
 * Whether a reset of this account's password or second factor needs a second
 * person: any account that works on cases or identities, with the key or
 * without. Taking one over would open every case (the key), let its taker
 * approve their own requests (supervisor, custodian), or give them an account
 * to have promoted later, or to take over the moment its key is revoked.
 * Only an administrator's account is reset alone.
 */
export function isGuardedAccount(account: { roles: readonly string[]; holdsKey: boolean }): boolean {
  return account.holdsKey || account.roles.some((role) => rolesApartFromAdmin.includes(role as StaffRole));
}

/**
 * A liaison (rectification/) works for a unit, not the commission: the role
 * is held alone, never with the key, and approves nothing.
 */
export function liaisonWithOtherRoles(roles: readonly string[]): boolean {
  return roles.includes('liaison') && roles.length > 1;
}

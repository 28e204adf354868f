/**
 * Bulk work from the queue: assign the ticked cases to one handler, or close
 * them as duplicates or as spam (a decline with the reason typed, which the
 * reporter reads like any decline). Each case goes through the case-action
 * table (case-actions.ts) one by one, as if its own page had been used, so
 * the checks, the move, the lists, the roll-up and the audit trail are those
 * of a single action; a closing also gets its own `case.bulkClosed` entry
 * saying as what. A case this person may not act on, or whose stage does not
 * allow the action, is left as it is and named back.
 */
import { recordAudit } from '../audit/audit.service';
import type { CaseStage } from '../cases/case-stages';
import { refuseField } from '../lib/forms';
import { HttpError } from '../lib/http-error';
import type { SignedInStaff } from '../staff/access';
import { Staff } from '../staff/staff.model';
import type { ActionContext } from './action-context';
import { caseByReference } from './case-access';
import { may, performCaseAction, stageAllows, type ActionDeps, type CaseActionName } from './case-actions';
import type { BulkForm } from './bulk-actions.schema';

export interface BulkResult {
  done: string[];
  /** cases left as they were: not this person's to act on, or not in a stage that allows it */
  notAllowed: string[];
}

/** The staff who may take bulk actions: those who may both assign and decline. */
export function mayBulk(staff: SignedInStaff): boolean {
  return staff.roles.includes('intake') || staff.roles.includes('supervisor');
}

/** Handlers a case can be given to now (staff accounts: a small collection). */
export async function activeHandlers(): Promise<Array<{ id: string; name: string }>> {
  const handlers = await Staff.find({ roles: 'handler', disabled: false }, { name: 1 }).lean();
  return handlers.map((handler) => ({ id: handler._id.toString(), name: handler.name }));
}

export async function performBulkAction(staff: SignedInStaff, commissionKey: string | undefined, form: BulkForm, deps: ActionDeps): Promise<BulkResult> {
  const action: CaseActionName = form.bulkAction === 'assign' ? 'assign' : 'decline';
  const body = form.bulkAction === 'assign' ? { _csrf: form._csrf, handlerId: form.handlerId } : { _csrf: form._csrf, reason: form.reason };
  // A decline seals its reason with each case's key: refused here, ticks kept, rather than a bare 403 at the first case.
  if (action === 'decline' && !commissionKey) throw refuseField('bulkAction', 'bulk.errors.locked');
  const result: BulkResult = { done: [], notAllowed: [] };
  for (const reference of form.cases) {
    const caseDocument = await caseByReference(reference).catch(() => null);
    if (!caseDocument || caseDocument.purgedDate || !may(staff, action, caseDocument) || !stageAllows(action, caseDocument.status as CaseStage, caseDocument)) {
      result.notAllowed.push(reference);
      continue;
    }
    const ctx: ActionContext = { staff, caseDocument, commissionKey };
    try {
      await performCaseAction(action, ctx, body, deps);
    } catch (error) {
      // Moved by someone else a moment ago: named back like any other case whose stage does not allow it.
      if (error instanceof HttpError && error.status === 409) {
        result.notAllowed.push(reference);
        continue;
      }
      throw error;
    }
    if (form.bulkAction !== 'assign') await recordAudit({ actor: staff.id, action: 'case.bulkClosed', caseId: caseDocument._id.toString(), caseRef: reference, details: { closedAs: form.bulkAction, cases: form.cases.length } });
    result.done.push(reference);
  }
  return result;
}

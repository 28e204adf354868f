/**
 * What the case page shows of the rules' own deadlines: telling a named
 * reporter of acceptance and of the result (反馈, 15 working days each by
 * default), passing up a report about the commission's own staff (报送), and
 * the transfer of an accepted case (转办). Each with its light, and what was
 * done. Pure, from the case's clear fields.
 */
import type { CaseDocument } from '../cases/case.model';
import { feedbackDueDates, passUpDueDate, transferDueDate, transferPlanInForce, workingCalendar } from '../cases/deadlines';
import { deadlineStatus, type DeadlineStatus } from '../cases/working-days';
import { chinaDateOf } from '../lib/china-time';

interface Limit {
  dueDate: string;
  /** the light while nothing was done yet */
  light: DeadlineStatus | null;
}

interface Told {
  way: string;
  toldOn: string;
}

export interface RulesPanel {
  /** for the forms' day fields */
  today: string;
  named: boolean;
  acceptance: (Limit & { told: Told | null }) | null;
  result: (Limit & { told: Told | null }) | null;
  passUp: (Limit & { passedUpOn: string | null }) | null;
  transfer: Limit | null;
}

type PanelCase = Pick<CaseDocument, 'hasIdentity' | 'acceptedDate' | 'concludedDate' | 'concernsCommission' | 'receivedDate' | 'passedUpDate' | 'transferPlannedDate' | 'reopenedDate' | 'status'> & {
  toldAcceptance?: Told | null;
  toldResult?: Told | null;
};

export function rulesPanel(caseDocument: PanelCase, now = new Date()): RulesPanel {
  const today = chinaDateOf(now);
  const limit = (dueDate: string, done: boolean): Limit => ({ dueDate, light: done ? null : deadlineStatus(dueDate, today, workingCalendar()) });
  const due = feedbackDueDates(caseDocument);
  const toldOf = (told: Told | null | undefined) => (told?.way ? { way: told.way, toldOn: told.toldOn } : null);
  const acceptanceTold = toldOf(caseDocument.toldAcceptance);
  const resultTold = toldOf(caseDocument.toldResult);
  const named = Boolean(caseDocument.hasIdentity);
  return {
    today,
    named,
    // The rules' limits for telling are owed to named reporters; an anonymous one reads the portal.
    acceptance: named && due.acceptance ? { ...limit(due.acceptance, Boolean(acceptanceTold)), told: acceptanceTold } : null,
    result: named && due.result ? { ...limit(due.result, Boolean(resultTold)), told: resultTold } : null,
    passUp: caseDocument.concernsCommission ? { ...limit(passUpDueDate(caseDocument.receivedDate), Boolean(caseDocument.passedUpDate)), passedUpOn: caseDocument.passedUpDate ?? null } : null,
    transfer: transferPlanInForce(caseDocument)
      ? limit(transferDueDate(caseDocument.acceptedDate ?? caseDocument.transferPlannedDate!), caseDocument.status !== 'accepted' && caseDocument.status !== 'investigating')
      : null,
  };
}

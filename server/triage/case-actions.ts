/**
 * Every action staff take on a case, as one table: who may take it, the form
 * it takes, the stage it leads to (an action without one keeps the stage, and
 * only while the case is open) and the function that runs it. The route, the
 * access check, the actions the case page offers and their forms
 * (views/partials/case-actions/<name>.hbs) are all derived from it.
 *
 * Adding an action: one row here, one service function, one partial.
 */
import type { AnyZodObject, z } from 'zod';
import { moveCase } from '../cases/case-move.service';
import type { CaseDocument } from '../cases/case.model';
import { canMove, type CaseStage } from '../cases/case-stages';
import { readForm, type FormMessages } from '../lib/forms';
import { forbidden, HttpError, notFound } from '../lib/http-error';
import type { MailTransport } from '../notifications/mail-transport';
import type { SignedInStaff } from '../staff/access';
import type { StaffRole } from '../staff/staff.model';
import type { ActionContext } from './action-context';
import { canSee } from './case-access';
import { assignCase, linkCase, setPriority } from './case-handling.service';
import { writeMessage, type ReporterNotice } from './case-messages.service';
import { accepting, closing, concluding, declining, investigating, transferring, type MoveChange } from './case-moves.service';
import { explaining, reopening } from './review-moves.service';
import { scheduleInvitations } from '../voice/invitations.service';
import { chinaDateOf } from '../lib/china-time';
import { feedbackForm, handlingRulesMessages, passUpForm, planTransferForm } from '../handling-rules/handling-rules.schema';
import { hasSomethingToTell, recordFeedback } from '../handling-rules/feedback.service';
import { mayBePassedUp, recordPassUp } from '../handling-rules/pass-up.service';
import { mayBePlannedForTransfer, planTransfer } from '../handling-rules/transfer-plan.service';
import { assignForm, authorityForm, buttonForm, concludeForm, linkForm, messageForm, priorityForm, reasonForm, reporterMessageForm } from './triage.schema';

export interface ActionDeps {
  transport: MailTransport;
  publicUrl: string;
  /** opens the address a reporter gave for notices (cases/identity-sealing.ts) */
  noticeKey?: Buffer;
}

export interface CaseActionRow {
  roles: readonly StaffRole[];
  /** the stage the action moves the case to; null: it keeps the stage */
  leadsTo: CaseStage | null;
  /** the form's fields, to put back what was typed when it is refused */
  fields: readonly string[];
  /** reads the form (a FormRefusal if it is wrong) and runs the action */
  perform(ctx: ActionContext, body: unknown, deps: ActionDeps): Promise<ReporterNotice | void>;
  /** a review action (复查): taken only in review, never by the one who decided the case */
  review?: boolean;
  /** an action that keeps the stage but is taken only on some cases (in place of "while the case is open"): the rules' own steps (handling-rules/) */
  appliesTo?: (caseDocument: CaseDocument) => boolean;
  /** where the case page shows it; default: a move is a decision, the rest internal work */
  group?: CaseActionGroup;
}

/** The case page's three headings: what is decided, what the reporter will read, the office's own work. */
export type CaseActionGroup = 'decision' | 'reporter' | 'internal';
export const caseActionGroups: readonly CaseActionGroup[] = ['decision', 'reporter', 'internal'];

const actionMessages: FormMessages = { prefix: 'triage.errors' };

function move<S extends AnyZodObject>(leadsTo: CaseStage, roles: readonly StaffRole[], form: S, change: (ctx: ActionContext, form: z.output<S>) => MoveChange): CaseActionRow {
  return {
    roles,
    leadsTo,
    fields: Object.keys(form.shape),
    async perform(ctx, body) {
      const changed = change(ctx, readForm(form, body, actionMessages));
      await moveCase({ caseDocument: ctx.caseDocument, actorId: ctx.staff.id, to: leadsTo, ...changed });
    },
  };
}

function keep<S extends AnyZodObject>(roles: readonly StaffRole[], form: S, run: (ctx: ActionContext, form: z.output<S>, deps: ActionDeps) => Promise<ReporterNotice | void>, messages = actionMessages): CaseActionRow {
  return { roles, leadsTo: null, fields: Object.keys(form.shape), perform: (ctx, body, deps) => run(ctx, readForm(form, body, messages), deps) };
}

/** A row whose action is followed by more work once it has succeeded. */
function then(row: CaseActionRow, after: (ctx: ActionContext) => Promise<void>): CaseActionRow {
  return { ...row, perform: async (ctx, body, deps) => { await row.perform(ctx, body, deps); await after(ctx); } };
}

// 1 and 3 months after a conclusion, a content-free invitation to tell of retaliation (voice/).
const inviteLater = (ctx: ActionContext) => scheduleInvitations(ctx.caseDocument, chinaDateOf(new Date())).catch(() => undefined);

const intake = ['intake', 'supervisor'] as const;
const handling = ['handler', 'supervisor'] as const;
const everyCaseRole = ['intake', 'handler', 'supervisor'] as const;

/** In the order the case page offers them. */
export const caseActions = {
  accept: move('accepted', intake, buttonForm, accepting),
  investigate: move('investigating', handling, buttonForm, investigating),
  close: move('closed', intake, buttonForm, closing),
  decline: move('declined', intake, reasonForm, declining),
  transfer: move('transferred', intake, authorityForm, transferring),
  assign: keep(intake, assignForm, (ctx, form, deps) => assignCase(ctx, form, deps.publicUrl)),
  priority: keep(intake, priorityForm, setPriority),
  reply: { ...keep(everyCaseRole, reporterMessageForm, (ctx, form, deps) => writeMessage(ctx, 'reply', form, deps)), group: 'reporter' },
  request: { ...keep(everyCaseRole, reporterMessageForm, (ctx, form, deps) => writeMessage(ctx, 'request', form, deps)), group: 'reporter' },
  note: keep(everyCaseRole, messageForm, (ctx, form, deps) => writeMessage(ctx, 'note', form, deps)),
  findings: keep(handling, messageForm, (ctx, form, deps) => writeMessage(ctx, 'findings', form, deps)),
  link: keep(everyCaseRole, linkForm, linkCase),
  conclude: then(move('concluded', ['supervisor'], concludeForm, concluding), inviteLater),
  explain: { ...move('closed', ['supervisor'], messageForm, explaining), review: true },
  reopen: { ...move('investigating', ['supervisor'], reasonForm, reopening), review: true },
  // The 2020 rules' own steps (handling-rules/): 转办 deadline, 反馈 to the reporter, 报送 of a report about the commission's staff.
  planTransfer: { ...keep(intake, planTransferForm, planTransfer, handlingRulesMessages), appliesTo: mayBePlannedForTransfer, group: 'decision' },
  feedback: { ...keep(everyCaseRole, feedbackForm, recordFeedback, handlingRulesMessages), appliesTo: hasSomethingToTell },
  passUp: { ...keep(['supervisor'], passUpForm, recordPassUp, handlingRulesMessages), appliesTo: mayBePassedUp, group: 'decision' },
} satisfies Record<string, CaseActionRow>;

export type CaseActionName = keyof typeof caseActions;
export const caseActionNames = Object.keys(caseActions) as CaseActionName[];

export function isCaseActionName(value: unknown): value is CaseActionName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(caseActions, value);
}

/** May this person take this action on this case (whatever its stage)? */
export function may(staff: SignedInStaff, name: CaseActionName, caseDocument: CaseDocument): boolean {
  if (!canSee(staff, caseDocument)) return false;
  const row: CaseActionRow = caseActions[name];
  const roles = row.roles.filter((role) => staff.roles.includes(role));
  if (roles.length === 0) return false;
  // 复查 is done by someone other than the one who decided the case.
  if (row.review && caseDocument.decidedBy === staff.id) return false;
  // A handler acts only on their own cases, even when the action is open to handlers.
  return !(roles.length === 1 && roles[0] === 'handler' && caseDocument.assigneeId !== staff.id);
}

export function stageAllows(name: CaseActionName, stage: CaseStage, caseDocument: CaseDocument): boolean {
  const { leadsTo, review, appliesTo }: CaseActionRow = caseActions[name];
  if (appliesTo) return appliesTo(caseDocument);
  // A case under review moves only by the review's own actions.
  if (leadsTo && Boolean(review) !== (stage === 'review')) return false;
  return leadsTo ? canMove(stage, leadsTo) : stage !== 'closed';
}

/** The actions the case page offers this person now. */
export function offeredActions(staff: SignedInStaff, caseDocument: CaseDocument): CaseActionName[] {
  return caseActionNames.filter((name) => may(staff, name, caseDocument) && stageAllows(name, caseDocument.status as CaseStage, caseDocument));
}

export function groupOf(name: CaseActionName): CaseActionGroup {
  const row: CaseActionRow = caseActions[name];
  return row.group ?? (row.leadsTo ? 'decision' : 'internal');
}

/** The offered actions under the case page's headings, in the table's order; empty headings left out. */
export function offeredByGroup(offered: readonly CaseActionName[]): Array<{ group: CaseActionGroup; actions: CaseActionName[] }> {
  return caseActionGroups.map((group) => ({ group, actions: offered.filter((name) => groupOf(name) === group) })).filter((entry) => entry.actions.length > 0);
}

/** 403 unless the person may; 409 when the stage does not allow it; a FormRefusal for a wrong form. */
export async function performCaseAction(name: CaseActionName, ctx: ActionContext, body: unknown, deps: ActionDeps): Promise<ReporterNotice | void> {
  checkCaseAction(name, ctx);
  return caseActions[name].perform(ctx, body, deps);
}

/** 403 unless the person may; 409 when the stage does not allow it. */
export function checkCaseAction(name: CaseActionName, ctx: ActionContext): void {
  // Purged under retention (retention/): only its skeleton is left, nothing to act on (反馈 applies to closed cases too).
  if (ctx.caseDocument.purgedDate) throw notFound();
  if (!may(ctx.staff, name, ctx.caseDocument)) throw forbidden();
  if (!stageAllows(name, ctx.caseDocument.status as CaseStage, ctx.caseDocument)) throw new HttpError(409, 'transitionNotAllowed');
}

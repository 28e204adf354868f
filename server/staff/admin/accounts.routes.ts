/**
 * /staff/admin/accounts: administrators manage staff accounts. They see
 * names, addresses, roles and states, never a hash, secret or key. A new or
 * reset password is shown once, in the answer to the form that made it.
 * Granting the key, the supervisor's or the custodian's role, and resetting
 * a guarded account wait for a second person (approvals/).
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { notFound } from '../../lib/http-error';
import { FormRefusal, readForm, refuseField, whenRefused, type FieldMessages } from '../../lib/forms';
import { findAccount, listAccounts, revokeKey, setDisabled, type AccountContext } from '../accounts.service';
import { pendingApprovalFor } from '../approvals/pending-approvals';
import { submitNewAccount, submitPasswordReset, submitRoles, submitTotpReset } from '../approvals/requests.service';
import { approvalLifetimeHours, mixesAdminAndCaseRoles } from '../duties';
import { chinaMinuteOf } from '../../lib/china-time';
import { staffRoles } from '../staff.model';
import { newAccountForm, passwordResetForm, rolesForm, staffFormMessages } from '../staff.schema';
import { unlockedCommissionKey } from '../unlock';
import { activeUnits } from '../../cases/taxonomy/taxonomy.service';

const doneNotices = ['roles', 'disabled', 'enabled', 'totpReset', 'keyRevoked', 'awaitingApproval'] as const;
type Done = (typeof doneNotices)[number];

/** The one-button forms on an account's page: path, service call, and the notice shown afterwards. */
const buttonActions: [string, (id: string, context: AccountContext) => Promise<Done>][] = [
  ['disable', (id, context) => setDisabled(id, true, context).then(() => 'disabled')],
  ['enable', (id, context) => setDisabled(id, false, context).then(() => 'enabled')],
  ['totp-reset', async (id, context) => ((await submitTotpReset(id, context)).awaitingApproval ? 'awaitingApproval' : 'totpReset')],
  ['key-revoke', (id, context) => revokeKey(id, context).then(() => 'keyRevoked')],
];
const doneQuery = z.object({ done: z.enum(doneNotices).optional().catch(undefined) });

export interface AccountRoutesDeps {
  totpSecret: string;
  commissionKeyId: string;
  allowAdminCaseRoles: boolean;
}

export function accountRoutes(deps: AccountRoutesDeps): Router {
  const router = Router();
  const context = (res: Response): AccountContext => ({ actor: res.locals.staff!.id, ...deps });

  router.get('/', async (_req, res) => {
    const accounts = (await listAccounts()).map((account) => ({ ...account, mixedDuties: mixedDuties(account.roles, deps) }));
    res.render('staff/admin/accounts', { title: 'staff.admin.accounts.title', accounts });
  });

  router.get('/new', async (req, res) => {
    await newAccountPage(req, res, { values: { roles: [] } });
  });

  router.post('/', (req, res) =>
    whenRefused(async () => {
      const form = readForm(newAccountForm, req.body, staffFormMessages);
      const created = await submitNewAccount({ ...form, unitCode: form.unit, mustChangePassword: true, commissionPrivateKeyPem: grantable(req, form.grantKey) }, context(res));
      const awaiting = awaitingView(created.awaitingApproval);
      res.status(awaiting ? 202 : 201).render('staff/admin/account-created', { title: awaiting ? 'staff.admin.requested.title' : 'staff.admin.created.title', created, awaiting });
    }, async (refusal) => newAccountPage(req, res, { refusal, values: typedValues(req) })),
  );

  router.get('/:id', async (req, res) => {
    await accountPage(req, res, { done: doneQuery.parse(req.query).done }, deps);
  });

  router.post('/:id/roles', (req, res) =>
    whenRefused(async () => {
      const form = readForm(rolesForm, req.body, staffFormMessages);
      const submitted = await submitRoles(req.params.id, form.roles, context(res), form.unit);
      res.redirect(303, `/staff/admin/accounts/${req.params.id}?done=${submitted.awaitingApproval ? 'awaitingApproval' : 'roles'}`);
    }, (refusal) => accountPage(req, res, { refusal, roles: typedRoles(req) }, deps)),
  );

  for (const [path, run] of buttonActions) {
    router.post(`/:id/${path}`, (req, res) =>
      whenRefused(async () => {
        const done = await run(req.params.id, context(res));
        res.redirect(303, `/staff/admin/accounts/${req.params.id}?done=${done}`);
      }, (refusal) => accountPage(req, res, { refusal }, deps)),
    );
  }

  router.post('/:id/password-reset', (req, res) =>
    whenRefused(async () => {
      const form = readForm(passwordResetForm, req.body, staffFormMessages);
      const reset = await submitPasswordReset(req.params.id, { password: form.password, grantKeyPem: grantable(req, form.grantKey) }, context(res));
      const account = await findAccount(req.params.id);
      const awaiting = awaitingView(reset.awaitingApproval);
      res.status(awaiting ? 202 : 200).render('staff/admin/password-reset-done', { title: awaiting ? 'staff.admin.requested.title' : 'staff.admin.reset.title', account, reset, awaiting });
    }, (refusal) => accountPage(req, res, { refusal }, deps)),
  );

  return router;
}

async function newAccountPage(req: Request, res: Response, view: { refusal?: FormRefusal; values: Record<string, unknown> }): Promise<void> {
  res.status(view.refusal?.status ?? 200).render('staff/admin/account-new', {
    title: 'staff.admin.new.title', roles: staffRoles, values: view.values, errors: view.refusal?.fields ?? {}, canGrant: Boolean(unlockedCommissionKey(req)),
    units: await activeUnits(res.locals.lang),
  });
}

async function accountPage(req: Request, res: Response, view: { refusal?: FormRefusal; done?: string; roles?: string[] }, deps: AccountRoutesDeps): Promise<void> {
  const account = await findAccount(String(req.params.id));
  if (!account) throw notFound();
  const own = account.id === res.locals.staff!.id;
  const errors: FieldMessages = view.refusal?.fields ?? {};
  const pending = await pendingApprovalFor(`account:${account.id}`);
  const [units, everyUnit] = await Promise.all([activeUnits(res.locals.lang), activeUnits(res.locals.lang, { includeInactive: true })]);
  res.status(view.refusal?.status ?? 200).render('staff/admin/account', {
    title: 'staff.admin.account.title',
    account,
    own,
    roles: staffRoles,
    checkedRoles: view.roles ?? account.roles,
    errors,
    done: view.done,
    canGrant: Boolean(unlockedCommissionKey(req)),
    mixedDuties: mixedDuties(account.roles, deps),
    pending: pending ? { change: pending.change, expiresAt: chinaMinuteOf(pending.expiresAt) } : undefined,
    units,
    accountUnitName: everyUnit.find((unit) => unit.code === account.unitCode)?.name ?? account.unitCode,
    checkedUnit: view.refusal ? typedUnit(req) : account.unitCode,
  });
}

/** An administrator who also holds a case role while the configuration does not allow it: kept working, flagged. */
function mixedDuties(roles: readonly string[], deps: AccountRoutesDeps): boolean {
  return !deps.allowAdminCaseRoles && mixesAdminAndCaseRoles(roles);
}

function awaitingView(awaiting: { expiresAt: Date } | undefined): { hours: number; expiresAt: string } | undefined {
  return awaiting ? { hours: approvalLifetimeHours, expiresAt: chinaMinuteOf(awaiting.expiresAt) } : undefined;
}

/** The administrator's own unlocked key, if the form asks to grant it. */
function grantable(req: Request, grantKey: boolean): string | undefined {
  if (!grantKey) return undefined;
  const pem = unlockedCommissionKey(req);
  if (!pem) throw refuseField('grantKey', 'staff.errors.notUnlocked');
  return pem;
}

// What the administrator typed, to fill the form again: never the password.
function typedValues(req: Request): { name: string; email: string; roles: string[]; unit: string; grantKey: boolean } {
  const body = req.body ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 254) : '');
  return { name: text(body.name), email: text(body.email), roles: typedRoles(req), unit: typedUnit(req), grantKey: body.grantKey === 'on' };
}

function typedUnit(req: Request): string {
  const unit: unknown = req.body?.unit;
  return typeof unit === 'string' ? unit.slice(0, 40) : '';
}

function typedRoles(req: Request): string[] {
  const roles: unknown = req.body?.roles;
  const list = Array.isArray(roles) ? roles : roles ? [roles] : [];
  return list.filter((role): role is string => typeof role === 'string');
}

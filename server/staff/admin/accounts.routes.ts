/**
 * /staff/admin/accounts: administrators manage staff accounts. They see
 * names, addresses, roles and states, never a hash, secret or key. A new or
 * reset password is shown once, in the answer to the form that made it.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { notFound } from '../../lib/http-error';
import { FormRefusal, readForm, refuseField, whenRefused, type FieldMessages } from '../../lib/forms';
import { changeRoles, createStaffAccount, findAccount, listAccounts, resetPassword, resetTotp, revokeKey, setDisabled, type AccountContext } from '../accounts.service';
import { staffRoles } from '../staff.model';
import { newAccountForm, passwordResetForm, rolesForm, staffFormMessages } from '../staff.schema';
import { unlockedCommissionKey } from '../unlock';

const doneNotices = ['roles', 'disabled', 'enabled', 'totpReset', 'keyRevoked'] as const;

/** The one-button forms on an account's page: path, notice shown afterwards, service call. */
const buttonActions: [string, (typeof doneNotices)[number], (id: string, context: AccountContext) => Promise<void>][] = [
  ['disable', 'disabled', (id, context) => setDisabled(id, true, context)],
  ['enable', 'enabled', (id, context) => setDisabled(id, false, context)],
  ['totp-reset', 'totpReset', resetTotp],
  ['key-revoke', 'keyRevoked', revokeKey],
];
const doneQuery = z.object({ done: z.enum(doneNotices).optional().catch(undefined) });

export interface AccountRoutesDeps {
  sessionSecret: string;
  commissionKeyId: string;
}

export function accountRoutes(deps: AccountRoutesDeps): Router {
  const router = Router();
  const context = (res: Response): AccountContext => ({ actor: res.locals.staff!.id, ...deps });

  router.get('/', async (_req, res) => {
    res.render('staff/admin/accounts', { title: 'staff.admin.accounts.title', accounts: await listAccounts() });
  });

  router.get('/new', (req, res) => {
    newAccountPage(req, res, { values: { roles: [] } });
  });

  router.post('/', (req, res) =>
    whenRefused(async () => {
      const form = readForm(newAccountForm, req.body, staffFormMessages);
      const created = await createStaffAccount({ ...form, mustChangePassword: true, commissionPrivateKeyPem: grantable(req, form.grantKey) }, context(res));
      res.status(201).render('staff/admin/account-created', { title: 'staff.admin.created.title', created });
    }, (refusal) => newAccountPage(req, res, { refusal, values: typedValues(req) })),
  );

  router.get('/:id', async (req, res) => {
    await accountPage(req, res, { done: doneQuery.parse(req.query).done });
  });

  router.post('/:id/roles', (req, res) =>
    whenRefused(async () => {
      await changeRoles(req.params.id, readForm(rolesForm, req.body, staffFormMessages).roles, context(res));
      res.redirect(303, `/staff/admin/accounts/${req.params.id}?done=roles`);
    }, (refusal) => accountPage(req, res, { refusal })),
  );

  for (const [path, done, run] of buttonActions) {
    router.post(`/:id/${path}`, async (req, res) => {
      await run(req.params.id, context(res));
      res.redirect(303, `/staff/admin/accounts/${req.params.id}?done=${done}`);
    });
  }

  router.post('/:id/password-reset', (req, res) =>
    whenRefused(async () => {
      const form = readForm(passwordResetForm, req.body, staffFormMessages);
      const reset = await resetPassword(req.params.id, { password: form.password, grantKeyPem: grantable(req, form.grantKey) }, context(res));
      const account = await findAccount(req.params.id);
      res.render('staff/admin/password-reset-done', { title: 'staff.admin.reset.title', account, reset });
    }, (refusal) => accountPage(req, res, { refusal })),
  );

  return router;
}

function newAccountPage(req: Request, res: Response, view: { refusal?: FormRefusal; values: Record<string, unknown> }): void {
  res.status(view.refusal?.status ?? 200).render('staff/admin/account-new', {
    title: 'staff.admin.new.title', roles: staffRoles, values: view.values, errors: view.refusal?.fields ?? {}, canGrant: Boolean(unlockedCommissionKey(req)),
  });
}

async function accountPage(req: Request, res: Response, view: { refusal?: FormRefusal; done?: string }): Promise<void> {
  const account = await findAccount(String(req.params.id));
  if (!account) throw notFound();
  const own = account.id === res.locals.staff!.id;
  const errors: FieldMessages = view.refusal?.fields ?? {};
  res.status(view.refusal?.status ?? 200).render('staff/admin/account', { title: 'staff.admin.account.title', account, own, roles: staffRoles, errors, done: view.done, canGrant: Boolean(unlockedCommissionKey(req)) });
}

/** The administrator's own unlocked key, if the form asks to grant it. */
function grantable(req: Request, grantKey: boolean): string | undefined {
  if (!grantKey) return undefined;
  const pem = unlockedCommissionKey(req);
  if (!pem) throw refuseField('grantKey', 'staff.errors.notUnlocked');
  return pem;
}

// What the administrator typed, to fill the form again: never the password.
function typedValues(req: Request): { name: string; email: string; roles: string[]; grantKey: boolean } {
  const body = req.body ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 254) : '');
  const roles = Array.isArray(body.roles) ? body.roles : body.roles ? [body.roles] : [];
  return { name: text(body.name), email: text(body.email), roles: roles.filter((role: unknown) => typeof role === 'string'), grantKey: body.grantKey === 'on' };
}

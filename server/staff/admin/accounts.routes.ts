/**
 * /staff/admin/accounts: administrators manage staff accounts. They see
 * names, addresses, roles and states, never a hash, secret or key. A new or
 * reset password is shown once, in the answer to the form that made it.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { notFound } from '../../lib/http-error';
import {
  changeRoles,
  createStaffAccount,
  findAccount,
  listAccounts,
  resetPassword,
  resetTotp,
  revokeKey,
  setDisabled,
  StaffFormError,
  type AccountContext,
} from '../accounts.service';
import { staffRoles } from '../staff.model';
import { formErrors, newAccountForm, passwordResetForm, rolesForm, type FieldErrors } from '../staff.schema';
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
    res.render('staff/admin/account-new', { title: 'staff.admin.new.title', roles: staffRoles, values: { roles: [] }, errors: {}, canGrant: Boolean(unlockedCommissionKey(req)) });
  });

  router.post('/', async (req, res) => {
    const form = newAccountForm.safeParse(req.body);
    const again = (errors: FieldErrors) => res.status(422).render('staff/admin/account-new', { title: 'staff.admin.new.title', roles: staffRoles, values: typedValues(req), errors, canGrant: Boolean(unlockedCommissionKey(req)) });
    if (!form.success) return again(formErrors(form.error));
    try {
      const grantKeyPem = grantable(req, form.data.grantKey);
      const created = await createStaffAccount({ ...form.data, mustChangePassword: true, commissionPrivateKeyPem: grantKeyPem }, context(res));
      res.status(201).render('staff/admin/account-created', { title: 'staff.admin.created.title', created });
    } catch (error) {
      if (!(error instanceof StaffFormError)) throw error;
      again(error.fieldErrors);
    }
  });

  router.get('/:id', async (req, res) => {
    await accountPage(req, res, 200, {}, doneQuery.parse(req.query).done);
  });

  router.post('/:id/roles', async (req, res) => {
    const form = rolesForm.safeParse(req.body);
    if (!form.success) return accountPage(req, res, 422, formErrors(form.error));
    await changeRoles(req.params.id, form.data.roles, context(res));
    res.redirect(303, `/staff/admin/accounts/${req.params.id}?done=roles`);
  });

  for (const [path, done, run] of buttonActions) {
    router.post(`/:id/${path}`, async (req, res) => {
      await run(req.params.id, context(res));
      res.redirect(303, `/staff/admin/accounts/${req.params.id}?done=${done}`);
    });
  }

  router.post('/:id/password-reset', async (req, res) => {
    const form = passwordResetForm.safeParse(req.body);
    if (!form.success) return accountPage(req, res, 422, formErrors(form.error));
    try {
      const grantKeyPem = grantable(req, form.data.grantKey);
      const reset = await resetPassword(req.params.id, { password: form.data.password, grantKeyPem }, context(res));
      const account = await findAccount(req.params.id);
      res.render('staff/admin/password-reset-done', { title: 'staff.admin.reset.title', account, reset });
    } catch (error) {
      if (!(error instanceof StaffFormError)) throw error;
      await accountPage(req, res, 422, error.fieldErrors);
    }
  });

  return router;
}

async function accountPage(req: Request, res: Response, status: number, errors: FieldErrors, done?: string): Promise<void> {
  const account = await findAccount(String(req.params.id));
  if (!account) throw notFound();
  const own = account.id === res.locals.staff!.id;
  res.status(status).render('staff/admin/account', { title: 'staff.admin.account.title', account, own, roles: staffRoles, errors, done, canGrant: Boolean(unlockedCommissionKey(req)) });
}

/** The administrator's own unlocked key, if the form asks to grant it. */
function grantable(req: Request, grantKey: boolean): string | undefined {
  if (!grantKey) return undefined;
  const pem = unlockedCommissionKey(req);
  if (!pem) throw new StaffFormError('grantKey', 'notUnlocked');
  return pem;
}

// What the administrator typed, to fill the form again: never the password.
function typedValues(req: Request): { name: string; email: string; roles: string[]; grantKey: boolean } {
  const body = req.body ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 254) : '');
  const roles = Array.isArray(body.roles) ? body.roles : body.roles ? [body.roles] : [];
  return { name: text(body.name), email: text(body.email), roles: roles.filter((role: unknown) => typeof role === 'string'), grantKey: body.grantKey === 'on' };
}

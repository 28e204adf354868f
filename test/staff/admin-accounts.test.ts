import { authenticator } from 'otplib';
import type request from 'supertest';
import { AuditEntry } from '../../server/audit/audit.model';
import { unwrapPrivateKeyForStaff, WrongPasswordError, type WrappedPrivateKey } from '../../server/cases/sealing/staff-key-wrap';
import { Approval } from '../../server/staff/approvals/approval.model';
import { Staff } from '../../server/staff/staff.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { createLiaison } from '../rectification/rectification-fixtures';
import { approveAsSecondPerson, codeFor, createAccount, signIn, type TestAccount } from './staff-helpers';

const { app, config, commissionPrivateKey } = buildTestApp();

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

async function adminSession(options: { withKey: boolean }): Promise<{ agent: request.Agent; admin: TestAccount; token: string }> {
  const admin = await createAccount(config, { roles: ['admin'], commissionPrivateKeyPem: options.withKey ? commissionPrivateKey : undefined });
  const agent = browser(app);
  await signIn(agent, admin).then((response) => expect(response.headers.location).toBe('/staff'));
  return { agent, admin, token: await csrfTokenFrom(agent, '/staff') };
}

function shownOnce(page: string, className: string): string {
  const match = new RegExp(`<code class="${className}">([^<]+)</code>`).exec(page);
  if (!match) throw new Error(`no ${className} on the page`);
  return match[1];
}

async function storedKey(id: string): Promise<WrappedPrivateKey | null> {
  return (await Staff.findById(id).lean())!.wrappedCommissionKey as WrappedPrivateKey | null;
}

describe('account administration', () => {
  it('when an administrator creates an account and grants the key, then once a second person approves, its owner enrols from a QR code, must choose a password, and the key follows the new password', async () => {
    const { agent, admin, token } = await adminSession({ withKey: true });
    const form = await agent.get('/staff/admin/accounts/new').expect(200);
    expect(form.text).toContain('name="grantKey"');
    const created = await agent
      .post('/staff/admin/accounts')
      .type('form')
      .send({ _csrf: token, name: '王芳', email: 'Wang.Fang@Tongzhou.example', roles: ['handler', 'intake'], password: '', grantKey: 'on' })
      .expect(202);
    const oneTimePassword = shownOnce(created.text, 'one-time-password');
    await approveAsSecondPerson(app, config, 'wang.fang@tongzhou.example').then((response) => expect(response.status).toBe(303));
    const account = (await Staff.findOne({ email: 'wang.fang@tongzhou.example' }).lean())!;
    expect(account.roles).toEqual(['handler', 'intake']);
    expect(account.mustChangePassword).toBe(true);
    expect(JSON.stringify(account)).not.toContain(oneTimePassword);
    const audit = await AuditEntry.findOne({ action: 'approval.requested', actor: admin.id }).lean();
    expect(audit?.details).toMatchObject({ change: 'accountCreated', accountId: String(account._id), to: ['handler', 'intake'], keyGranted: true });
    expect(JSON.stringify(audit)).not.toContain(oneTimePassword);

    const owner = browser(app);
    const ownerToken = await csrfTokenFrom(owner, '/staff');
    await owner.post('/staff/sign-in').type('form').send({ _csrf: ownerToken, email: 'wang.fang@tongzhou.example', password: oneTimePassword }).expect(303);
    const enrolment = await owner.get('/staff/sign-in/code').expect(200);
    expect(enrolment.text).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/&#x3D;=]+"/);
    const secret = shownOnce(enrolment.text, 'totp-secret').replace(/\s+/g, '');
    const afterCode = await owner.post('/staff/sign-in/code').type('form').send({ _csrf: ownerToken, code: authenticator.generate(secret) }).expect(303);
    expect(afterCode.headers.location).toBe('/staff/password');

    const newPassword = '春风又绿江南岸 明月何时照我还';
    const changedPassword = await owner
      .post('/staff/password')
      .type('form')
      .send({ _csrf: ownerToken, currentPassword: oneTimePassword, newPassword, confirmPassword: newPassword })
      .expect(303);
    const workspace = await owner.get(changedPassword.headers.location).expect(200);
    expect(workspace.text).toContain('新密码已保存');
    expect(workspace.text).toContain('本次登录已解锁加密内容');

    const wrapped = await storedKey(String(account._id));
    await expect(unwrapPrivateKeyForStaff(wrapped!, newPassword)).resolves.toBe(commissionPrivateKey);
    await expect(unwrapPrivateKeyForStaff(wrapped!, oneTimePassword)).rejects.toThrow(WrongPasswordError);
    const changed = await AuditEntry.findOne({ action: 'staff.passwordChanged', actor: String(account._id) }).lean();
    expect(changed?.details).toEqual({ keyRewrapped: true });
    // About fourteen argon2id evaluations at 64 MiB: more than the default 30 s on a busy machine.
  }, 60_000);

  it('when the new-account form is incomplete, then it comes back with 422, a message per field, what was typed, and never the password', async () => {
    const { agent, token } = await adminSession({ withKey: false });
    const page = await agent
      .post('/staff/admin/accounts')
      .type('form')
      .send({ _csrf: token, name: '李明', email: 'not-an-address', password: 'typed secret password 1' })
      .expect(422);
    expect(page.text).toContain('value="李明"');
    expect(page.text).toContain('value="not-an-address"');
    expect(page.text).toContain('请输入有效的电子邮箱地址');
    expect(page.text).toContain('请至少选择一个角色');
    expect(page.text).not.toContain('typed secret password 1');

    const english = await agent.post('/staff/admin/accounts').set('Cookie', 'qf_lang=en').type('form').send({ _csrf: token, name: '', email: 'li@tongzhou.example', roles: 'handler' }).expect(422);
    expect(english.text).toContain('Please fill this in.');
  });

  it('when an account exists already or the password is too short, then the form says so', async () => {
    const { agent, token } = await adminSession({ withKey: false });
    const existing = await createAccount(config);
    const taken = await agent.post('/staff/admin/accounts').type('form').send({ _csrf: token, name: 'Twin', email: existing.email.toUpperCase(), roles: 'handler' }).expect(422);
    expect(taken.text).toContain('该邮箱已有账号');
    const short = await agent.post('/staff/admin/accounts').type('form').send({ _csrf: token, name: 'Short', email: 'short@tongzhou.example', roles: 'handler', password: 'elevenchars' }).expect(422);
    expect(short.text).toContain('密码至少需要12个字符');
  });

  it('when an administrator without an unlocked key asks to grant it, then it is refused and nothing is created', async () => {
    const { agent, token } = await adminSession({ withKey: false });
    const form = await agent.get('/staff/admin/accounts/new').expect(200);
    expect(form.text).not.toContain('name="grantKey"');
    const refused = await agent.post('/staff/admin/accounts').type('form').send({ _csrf: token, name: 'No Key', email: 'nokey@tongzhou.example', roles: 'handler', grantKey: 'on' }).expect(422);
    expect(refused.text).toContain('未解锁委机关密钥');
    expect(await Staff.exists({ email: 'nokey@tongzhou.example' })).toBeNull();
  });

  it('when roles that need no second person are changed, then the account has the new ones and the change is audited from and to', async () => {
    const { agent, admin, token } = await adminSession({ withKey: false });
    const target = await createAccount(config, { roles: ['handler'] });
    await agent.post(`/staff/admin/accounts/${target.id}/roles`).type('form').send({ _csrf: token, roles: ['intake', 'handler'] }).expect(303, new RegExp(`${target.id}\\?done=roles`));
    expect((await Staff.findById(target.id).lean())!.roles).toEqual(['intake', 'handler']);
    const audit = await AuditEntry.findOne({ action: 'account.rolesChanged', actor: admin.id }).lean();
    expect(audit?.details).toEqual({ accountId: target.id, from: ['handler'], to: ['intake', 'handler'] });
    const page = await agent.get(`/staff/admin/accounts/${target.id}?done=roles`).expect(200);
    expect(page.text).toContain('角色已保存');
    await agent.post(`/staff/admin/accounts/${target.id}/roles`).type('form').send({ _csrf: token, roles: 'emperor' }).expect(422);
  });

  it('when an account is disabled, then its owner is signed out at once and cannot sign in; when enabled, they can again', async () => {
    const { agent, token } = await adminSession({ withKey: false });
    const target = await createAccount(config);
    const owner = browser(app);
    await signIn(owner, target);
    await agent.post(`/staff/admin/accounts/${target.id}/disable`).type('form').send({ _csrf: token }).expect(303);
    expect((await owner.get('/staff')).text).toContain('action="/staff/sign-in"');
    const ownerToken = await csrfTokenFrom(owner, '/staff');
    await owner.post('/staff/sign-in').type('form').send({ _csrf: ownerToken, email: target.email, password: target.password }).expect(401);

    await agent.post(`/staff/admin/accounts/${target.id}/enable`).type('form').send({ _csrf: token }).expect(303);
    await signIn(owner, target, { steps: 1 }).then((response) => expect(response.headers.location).toBe('/staff'));
    const actions = (await AuditEntry.find({ action: /^account\.(disabled|enabled)$/ }).lean()).map((entry) => entry.action);
    expect(actions).toEqual(['account.disabled', 'account.enabled']);
  });

  it('when the second factor is reset, then the owner is signed out and enrols again at the next sign-in, with the old secret useless', async () => {
    const { agent, token } = await adminSession({ withKey: false });
    const target = await createAccount(config);
    const owner = browser(app);
    await signIn(owner, target);
    await agent.post(`/staff/admin/accounts/${target.id}/totp-reset`).type('form').send({ _csrf: token }).expect(303);
    // A case role's account: the reset waits for a second person (duties.ts).
    await approveAsSecondPerson(app, config, target.email).then((response) => expect(response.status).toBe(303));
    expect((await owner.get('/staff')).text).toContain('action="/staff/sign-in"');

    const ownerToken = await csrfTokenFrom(owner, '/staff');
    await owner.post('/staff/sign-in').type('form').send({ _csrf: ownerToken, email: target.email, password: target.password }).expect(303);
    const enrolment = await owner.get('/staff/sign-in/code').expect(200);
    expect(enrolment.text).toContain('data:image/png;base64,');
    await owner.post('/staff/sign-in/code').type('form').send({ _csrf: ownerToken, code: codeFor(target.totpSecret, 1) }).expect(422);
    const secret = shownOnce(enrolment.text, 'totp-secret').replace(/\s+/g, '');
    expect(secret).not.toBe(target.totpSecret);
    await owner.post('/staff/sign-in/code').type('form').send({ _csrf: ownerToken, code: authenticator.generate(secret) }).expect(303);
  });

  it('when a liaison\'s password is reset with the key granted, then it is refused beside the field and the account still holds no key (found in review)', async () => {
    const { agent, token } = await adminSession({ withKey: true });
    await seedTaxonomy();
    const liaison = await createLiaison(config, 'xzspj');
    const refused = await agent.post(`/staff/admin/accounts/${liaison.id}/password-reset`).type('form').send({ _csrf: token, grantKey: 'on' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('整改联络员不能持有委机关密钥。');
    expect(await storedKey(liaison.id)).toBeNull();
    expect(await Approval.countDocuments({ accountId: liaison.id })).toBe(0);
  });

  it('when a forgotten password is reset with a new grant and approved, then the one-time password opens the key; reset without a grant, the old wrap is gone', async () => {
    const { agent, token } = await adminSession({ withKey: true });
    const target = await createAccount(config, { commissionPrivateKeyPem: commissionPrivateKey });
    const granted = await agent.post(`/staff/admin/accounts/${target.id}/password-reset`).type('form').send({ _csrf: token, grantKey: 'on' }).expect(202);
    const oneTimePassword = shownOnce(granted.text, 'one-time-password');
    await approveAsSecondPerson(app, config, target.email).then((response) => expect(response.status).toBe(303));
    await expect(unwrapPrivateKeyForStaff((await storedKey(target.id))!, oneTimePassword)).resolves.toBe(commissionPrivateKey);
    expect((await Staff.findById(target.id).lean())!.mustChangePassword).toBe(true);

    await agent.post(`/staff/admin/accounts/${target.id}/password-reset`).type('form').send({ _csrf: token, password: 'a quiet morning by the tongzhou canal' }).expect(202);
    await approveAsSecondPerson(app, config, target.email).then((response) => expect(response.status).toBe(303));
    expect(await storedKey(target.id)).toBeNull();
    const details = (await AuditEntry.find({ action: 'approval.approved' }).sort({ seq: 1 }).lean()).map((entry) => entry.details);
    expect(details.filter((entry) => (entry as { accountId?: string }).accountId === target.id)).toEqual([
      expect.objectContaining({ change: 'passwordReset', keyGranted: true }),
      expect.objectContaining({ change: 'passwordReset', keyGranted: false }),
    ]);
  }, 60_000);

  it('when the key is revoked, then the account no longer holds it', async () => {
    const { agent, token } = await adminSession({ withKey: false });
    const target = await createAccount(config, { commissionPrivateKeyPem: commissionPrivateKey });
    await agent.post(`/staff/admin/accounts/${target.id}/key-revoke`).type('form').send({ _csrf: token }).expect(303);
    expect(await storedKey(target.id)).toBeNull();
  });

  it('when an administrator turns to their own account, then the page offers no changes and the forms are refused', async () => {
    const { agent, admin, token } = await adminSession({ withKey: false });
    const page = await agent.get(`/staff/admin/accounts/${admin.id}`).expect(200);
    expect(page.text).not.toContain(`/staff/admin/accounts/${admin.id}/disable`);
    await agent.post(`/staff/admin/accounts/${admin.id}/disable`).type('form').send({ _csrf: token }).expect(403);
    await agent.post(`/staff/admin/accounts/${admin.id}/roles`).type('form').send({ _csrf: token, roles: 'handler' }).expect(403);
    expect((await Staff.findById(admin.id).lean())!.disabled).toBe(false);
  });

  it('when the account list is shown, then it has names, addresses and states but no hash, secret or key', async () => {
    const { agent } = await adminSession({ withKey: false });
    const target = await createAccount(config, { commissionPrivateKeyPem: commissionPrivateKey });
    const stored = (await Staff.findById(target.id).lean())!;
    const list = await agent.get('/staff/admin/accounts').expect(200);
    expect(list.text).toContain(target.email);
    for (const page of [list.text, (await agent.get(`/staff/admin/accounts/${target.id}`)).text]) {
      expect(page).not.toContain(stored.passwordHash);
      expect(page).not.toContain(stored.totpSecretBox);
      expect(page).not.toContain(stored.wrappedCommissionKey!.box);
    }
    await agent.get('/staff/admin/accounts/000000000000000000000000').expect(404);
    await agent.get('/staff/admin/accounts/not-an-id').expect(404);
  });
});

/**
 * Separation of duties: what an administrator asks for that would give the
 * commission key, the supervisor's or the custodian's role, or take over a
 * key holder's account, waits for a second person, who decides it on the
 * approvals screen.
 */
import type request from 'supertest';
import { AuditEntry } from '../../server/audit/audit.model';
import { unwrapPrivateKeyForStaff, type WrappedPrivateKey } from '../../server/cases/sealing/staff-key-wrap';
import { Approval } from '../../server/staff/approvals/approval.model';
import { sweepExpiredApprovals } from '../../server/staff/approvals/pending-approvals';
import { Staff, type StaffRole } from '../../server/staff/staff.model';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { approvalIdOn, approveAsSecondPerson, codeFor, createAccount, signIn, type TestAccount } from './staff-helpers';

const limits = { STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '1000' };
const { app, config, commissionPrivateKey } = buildTestApp(limits);

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

interface Session {
  agent: request.Agent;
  account: TestAccount;
  token: string;
}

async function sessionOf(roles: StaffRole[], options: { withKey?: boolean } = {}): Promise<Session> {
  const account = await createAccount(config, { roles, commissionPrivateKeyPem: options.withKey ? commissionPrivateKey : undefined });
  const agent = browser(app);
  await signIn(agent, account).then((response) => expect(response.headers.location).toBe('/staff'));
  return { agent, account, token: await csrfTokenFrom(agent, '/staff') };
}

async function stored(id: string) {
  return (await Staff.findById(id).lean())!;
}

function shownOnce(page: string): string {
  return /<code class="one-time-password">([^<]+)<\/code>/.exec(page)![1];
}

async function audited(action: string) {
  return (await AuditEntry.find({ action }).sort({ seq: 1 }).lean()).map((entry) => ({ actor: entry.actor, details: entry.details as Record<string, unknown> }));
}

/** Signs in with a password only: 303 to the code step when it is right, 401 when not. */
async function passwordStep(account: { email: string }, password: string): Promise<number> {
  const agent = browser(app);
  const token = await csrfTokenFrom(agent, '/staff');
  return (await agent.post('/staff/sign-in').type('form').send({ _csrf: token, email: account.email, password })).status;
}

describe('changes that need a second person', () => {
  it.each([['custodian'], ['supervisor']] as const)('when an administrator grants the %s role, then nothing changes until a supervisor or custodian approves, and then it does', async (role) => {
    const admin = await sessionOf(['admin']);
    const target = await createAccount(config, { roles: ['handler'] });
    const asked = await admin.agent.post(`/staff/admin/accounts/${target.id}/roles`).type('form').send({ _csrf: admin.token, roles: ['handler', role] }).expect(303);
    expect(asked.headers.location).toBe(`/staff/admin/accounts/${target.id}?done=awaitingApproval`);
    expect((await stored(target.id)).roles).toEqual(['handler']);
    const page = await admin.agent.get(asked.headers.location).expect(200);
    expect(page.text).toContain('须经您以外的一名审核人员或身份信息保管人员批准');

    const approver = await createAccount(config, { roles: ['custodian'] });
    await approveAsSecondPerson(app, config, target.email, approver).then((response) => expect(response.headers.location).toBe('/staff/approvals?done=approved'));
    expect((await stored(target.id)).roles).toEqual(['handler', role]);
    expect(await Approval.countDocuments()).toBe(0);
    expect(await audited('approval.requested')).toContainEqual({ actor: admin.account.id, details: expect.objectContaining({ change: 'rolesChanged', accountId: target.id, from: ['handler'], to: ['handler', role], keyGranted: false }) });
    expect(await audited('approval.approved')).toContainEqual({ actor: approver.id, details: expect.objectContaining({ change: 'rolesChanged', accountId: target.id, requestedBy: admin.account.id, to: ['handler', role] }) });
  });

  it('when an administrator creates an account with the key, then no account exists until a second person approves; then the one-time password opens the key', async () => {
    const admin = await sessionOf(['admin'], { withKey: true });
    const email = 'zhou.min@tongzhou.example';
    const asked = await admin.agent
      .post('/staff/admin/accounts')
      .type('form')
      .send({ _csrf: admin.token, name: '周敏', email, roles: 'handler', grantKey: 'on' })
      .expect(202);
    expect(asked.text).toContain('新建账号待审批');
    expect(asked.text).toContain('72 小时内');
    const oneTimePassword = shownOnce(asked.text);
    expect(await Staff.exists({ email })).toBeNull();
    expect(await passwordStep({ email }, oneTimePassword)).toBe(401);
    // What the request prepared is kept in it, never in clear.
    const pending = (await Approval.findOne({}).lean())!;
    expect(pending.prepared?.wrappedCommissionKey).toBeTruthy();
    expect(JSON.stringify(pending)).not.toContain(oneTimePassword);

    await approveAsSecondPerson(app, config, email).then((response) => expect(response.status).toBe(303));
    const account = (await Staff.findOne({ email }).lean())!;
    expect(String(account._id)).toBe(pending.accountId);
    expect(account.mustChangePassword).toBe(true);
    await expect(unwrapPrivateKeyForStaff(account.wrappedCommissionKey as WrappedPrivateKey, oneTimePassword)).resolves.toBe(commissionPrivateKey);
    expect(await passwordStep({ email }, oneTimePassword)).toBe(303);
    for (const entry of [...(await audited('approval.requested')), ...(await audited('approval.approved'))]) expect(JSON.stringify(entry)).not.toContain(oneTimePassword);
    expect(await audited('approval.approved')).toContainEqual({ actor: expect.any(String), details: expect.objectContaining({ change: 'accountCreated', accountId: pending.accountId, keyGranted: true }) });
  }, 60_000);

  it('when an administrator creates an account with a handler\'s role only, then it is created at once, as before', async () => {
    const admin = await sessionOf(['admin']);
    await admin.agent.post('/staff/admin/accounts').type('form').send({ _csrf: admin.token, name: '钱进', email: 'qian.jin@tongzhou.example', roles: 'handler' }).expect(201);
    expect(await Staff.exists({ email: 'qian.jin@tongzhou.example' })).not.toBeNull();
  });

  it('when the requester or the account concerned tries to approve, then 403 and nothing changes; an administrator sees the request read-only', async () => {
    // A small office's administrator who is also a supervisor asks for a change to another supervisor's account.
    const requester = await sessionOf(['admin', 'supervisor']);
    const subject = await sessionOf(['supervisor']);
    await requester.agent.post(`/staff/admin/accounts/${subject.account.id}/roles`).type('form').send({ _csrf: requester.token, roles: ['supervisor', 'custodian'] }).expect(303);
    const id = approvalIdOn((await requester.agent.get('/staff/approvals').expect(200)).text, subject.account.email);
    expect(id).toBeUndefined();
    const ownPage = await requester.agent.get('/staff/approvals').expect(200);
    expect(ownPage.text).toContain('此变更由您申请');
    const approvalId = String((await Approval.findOne({}).lean())!._id);

    await requester.agent.post(`/staff/approvals/${approvalId}/approve`).type('form').send({ _csrf: requester.token }).expect(403);
    await subject.agent.post(`/staff/approvals/${approvalId}/approve`).type('form').send({ _csrf: subject.token }).expect(403);
    await subject.agent.post(`/staff/approvals/${approvalId}/reject`).type('form').send({ _csrf: subject.token, reason: 'notNeeded' }).expect(403);
    expect((await subject.agent.get('/staff/approvals').expect(200)).text).toContain('此变更涉及您本人的账号');
    const admin = await sessionOf(['admin']);
    const readOnly = await admin.agent.get('/staff/approvals').expect(200);
    expect(readOnly.text).toContain(subject.account.email);
    expect(readOnly.text).not.toContain(`/staff/approvals/${approvalId}/approve`);
    await admin.agent.post(`/staff/approvals/${approvalId}/approve`).type('form').send({ _csrf: admin.token }).expect(403);
    expect((await stored(subject.account.id)).roles).toEqual(['supervisor']);
    expect(await Approval.exists({ _id: approvalId })).not.toBeNull();

    await approveAsSecondPerson(app, config, subject.account.email).then((response) => expect(response.status).toBe(303));
    expect((await stored(subject.account.id)).roles).toEqual(['supervisor', 'custodian']);
  });

  it('when a request is rejected, then the account is as before, the prepared wrap is gone and the reason is audited', async () => {
    const admin = await sessionOf(['admin'], { withKey: true });
    const target = await createAccount(config, { roles: ['handler'] });
    const before = await stored(target.id);
    const asked = await admin.agent.post(`/staff/admin/accounts/${target.id}/password-reset`).type('form').send({ _csrf: admin.token, grantKey: 'on' }).expect(202);
    expect(shownOnce(asked.text)).toBeTruthy();
    expect((await Approval.findOne({ accountId: target.id }).lean())!.prepared?.wrappedCommissionKey).toBeTruthy();

    const approver = await sessionOf(['supervisor']);
    const page = await approver.agent.get('/staff/approvals').expect(200);
    const id = approvalIdOn(page.text, target.email)!;
    const noReason = await approver.agent.post(`/staff/approvals/${id}/reject`).type('form').send({ _csrf: approver.token, reason: '' }).expect(422);
    expect(noReason.text).toContain('请选择驳回理由');
    await approver.agent.post(`/staff/approvals/${id}/reject`).type('form').send({ _csrf: approver.token, reason: 'notAgreed' }).expect(303, /done=rejected/);

    expect(await stored(target.id)).toEqual(before);
    expect(await Approval.countDocuments()).toBe(0);
    expect(await audited('approval.rejected')).toEqual([{ actor: approver.account.id, details: expect.objectContaining({ approvalId: id, change: 'passwordReset', accountId: target.id, requestedBy: admin.account.id, keyGranted: true, reason: 'notAgreed' }) }]);
    await approver.agent.post(`/staff/approvals/${id}/approve`).type('form').send({ _csrf: approver.token }).expect(404);
  });

  it('when a request is not decided within 72 hours, then it expires: the account is as before, the prepared wrap is gone, and the expiry is audited', async () => {
    const admin = await sessionOf(['admin'], { withKey: true });
    const target = await createAccount(config, { roles: ['intake'] });
    const before = await stored(target.id);
    await admin.agent.post(`/staff/admin/accounts/${target.id}/password-reset`).type('form').send({ _csrf: admin.token, grantKey: 'on' }).expect(202);
    const pending = (await Approval.findOne({ accountId: target.id }).lean())!;
    expect(pending.expiresAt.getTime() - pending.requestedAt.getTime()).toBe(72 * 3_600_000);

    await sweepExpiredApprovals(new Date(Date.now() + 71 * 3_600_000));
    expect(await Approval.exists({ _id: pending._id })).not.toBeNull();
    await sweepExpiredApprovals(new Date(Date.now() + 73 * 3_600_000));
    expect(await Approval.exists({ _id: pending._id })).toBeNull();
    expect(await stored(target.id)).toEqual(before);
    expect(await audited('approval.expired')).toContainEqual({ actor: 'system', details: expect.objectContaining({ approvalId: String(pending._id), accountId: target.id }) });
    // The account is free for a new request.
    await admin.agent.post(`/staff/admin/accounts/${target.id}/password-reset`).type('form').send({ _csrf: admin.token, grantKey: 'on' }).expect(202);
  });

  it('when an administrator resets a key holder\'s password, then the old password still works until approval, and afterwards only the new one', async () => {
    const admin = await sessionOf(['admin']);
    const target = await createAccount(config, { roles: ['handler'], commissionPrivateKeyPem: commissionPrivateKey });
    const owner = browser(app);
    await signIn(owner, target);
    const asked = await admin.agent.post(`/staff/admin/accounts/${target.id}/password-reset`).type('form').send({ _csrf: admin.token }).expect(202);
    expect(asked.text).toContain('批准前，该账号继续使用原密码');
    const oneTimePassword = shownOnce(asked.text);
    expect(await passwordStep(target, target.password)).toBe(303);
    expect(await passwordStep(target, oneTimePassword)).toBe(401);
    await owner.get('/staff').expect(200).then((page) => expect(page.text).not.toContain('action="/staff/sign-in"'));
    // One change at a time: a second request about the account waits for the first.
    const again = await admin.agent.post(`/staff/admin/accounts/${target.id}/totp-reset`).type('form').send({ _csrf: admin.token }).expect(409);
    expect(again.text).toContain('该账号已有一项变更正在等待审批');

    await approveAsSecondPerson(app, config, target.email).then((response) => expect(response.status).toBe(303));
    expect(await passwordStep(target, target.password)).toBe(401);
    expect(await passwordStep(target, oneTimePassword)).toBe(303);
    expect((await owner.get('/staff')).text).toContain('action="/staff/sign-in"');
    expect((await stored(target.id)).wrappedCommissionKey).toBeNull();
  });

  it('when an administrator resets a key holder\'s authenticator, then the old codes still work until approval, and afterwards the owner enrols again', async () => {
    const admin = await sessionOf(['admin']);
    const target = await createAccount(config, { roles: ['handler'], commissionPrivateKeyPem: commissionPrivateKey });
    const box = (await stored(target.id)).totpSecretBox;
    await admin.agent.post(`/staff/admin/accounts/${target.id}/totp-reset`).type('form').send({ _csrf: admin.token }).expect(303, new RegExp(`${target.id}\\?done=awaitingApproval`));
    expect((await stored(target.id)).totpSecretBox).toBe(box);
    const owner = browser(app);
    await signIn(owner, target).then((response) => expect(response.headers.location).toBe('/staff'));

    await approveAsSecondPerson(app, config, target.email).then((response) => expect(response.status).toBe(303));
    expect((await owner.get('/staff')).text).toContain('action="/staff/sign-in"');
    const token = await csrfTokenFrom(owner, '/staff');
    await owner.post('/staff/sign-in').type('form').send({ _csrf: token, email: target.email, password: target.password }).expect(303);
    expect((await owner.get('/staff/sign-in/code').expect(200)).text).toContain('data:image/png;base64,');
    await owner.post('/staff/sign-in/code').type('form').send({ _csrf: token, code: codeFor(target.totpSecret, 1) }).expect(422);
  });

  it('when an administrator resets the password of a handler who holds no key (or whose key was just revoked), then it waits for approval too: the taken-over account could be promoted later', async () => {
    const admin = await sessionOf(['admin']);
    const keyless = await createAccount(config, { roles: ['handler'] });
    const asked = await admin.agent.post(`/staff/admin/accounts/${keyless.id}/password-reset`).type('form').send({ _csrf: admin.token }).expect(202);
    expect(await passwordStep(keyless, shownOnce(asked.text))).toBe(401);
    expect(await passwordStep(keyless, keyless.password)).toBe(303);

    const revoked = await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: commissionPrivateKey });
    await admin.agent.post(`/staff/admin/accounts/${revoked.id}/key-revoke`).type('form').send({ _csrf: admin.token }).expect(303);
    expect((await stored(revoked.id)).wrappedCommissionKey).toBeNull();
    const box = (await stored(revoked.id)).totpSecretBox;
    await admin.agent.post(`/staff/admin/accounts/${revoked.id}/totp-reset`).type('form').send({ _csrf: admin.token }).expect(303, new RegExp(`${revoked.id}\\?done=awaitingApproval`));
    expect((await stored(revoked.id)).totpSecretBox).toBe(box);
    expect(await Approval.countDocuments({ accountId: revoked.id })).toBe(1);
  });

  it('when an administrator resets the password of another administrator, then it takes effect at once: that account opens no case', async () => {
    const admin = await sessionOf(['admin']);
    const other = await createAccount(config, { roles: ['admin'] });
    const reset = await admin.agent.post(`/staff/admin/accounts/${other.id}/password-reset`).type('form').send({ _csrf: admin.token }).expect(200);
    expect(await passwordStep(other, shownOnce(reset.text))).toBe(303);
  });

  it('when the account changes between the request and the approval, then the approval is refused and the change made meanwhile stays', async () => {
    const admin = await sessionOf(['admin']);
    const target = await createAccount(config, { roles: ['intake', 'handler'] });
    await admin.agent.post(`/staff/admin/accounts/${target.id}/roles`).type('form').send({ _csrf: admin.token, roles: ['intake', 'handler', 'supervisor'] }).expect(303);
    await Staff.updateOne({ _id: target.id }, { $set: { roles: ['handler'] } }); // another administrator took intake away meanwhile

    const approver = await createAccount(config, { roles: ['custodian'] });
    const refused = await approveAsSecondPerson(app, config, target.email, approver);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('申请提出后，该账号（角色或停用状态）或申请人已发生变化');
    expect((await stored(target.id)).roles).toEqual(['handler']);
    expect(await Approval.countDocuments({ accountId: target.id })).toBe(0);
    expect(await audited('approval.failed')).toContainEqual({ actor: approver.id, details: expect.objectContaining({ accountId: target.id, reason: 'accountChanged' }) });
  });
});

describe('an administrator and a case role on one account', () => {
  it.each([['handler'], ['intake'], ['supervisor'], ['custodian']] as const)('when an administrator gives an administrator account the %s role, then 422 with the message beside the roles, everything typed kept and nothing stored', async (role) => {
    const admin = await sessionOf(['admin']);
    const email = `both.${role}@tongzhou.example`;
    const created = await admin.agent.post('/staff/admin/accounts').type('form').send({ _csrf: admin.token, name: '孙立', email, roles: ['admin', role] }).expect(422);
    expect(created.text).toContain('管理员账号不能同时持有办案角色');
    expect(created.text).toContain('value="孙立"');
    expect(created.text).toContain(`value="${email}"`);
    expect(created.text).toMatch(new RegExp(`id="role-${role}" name="roles" value="${role}" checked`));
    expect(await Staff.exists({ email })).toBeNull();

    const other = await createAccount(config, { roles: ['admin'] });
    const changed = await admin.agent.post(`/staff/admin/accounts/${other.id}/roles`).type('form').send({ _csrf: admin.token, roles: ['admin', role] }).expect(422);
    expect(changed.text).toContain('管理员账号不能同时持有办案角色');
    expect(changed.text).toMatch(new RegExp(`id="role-${role}" name="roles" value="${role}" checked`));
    expect((await stored(other.id)).roles).toEqual(['admin']);
    expect(await Approval.countDocuments({ accountId: other.id })).toBe(0);
  });

  it('when ALLOW_ADMIN_CASE_ROLES=true (a very small office), then an administrator may also be a handler', async () => {
    const small = buildTestApp({ ...limits, ALLOW_ADMIN_CASE_ROLES: 'true' });
    const admin = await createAccount(small.config, { roles: ['admin'] });
    const agent = browser(small.app);
    await signIn(agent, admin);
    const token = await csrfTokenFrom(agent, '/staff');
    await agent.post('/staff/admin/accounts').type('form').send({ _csrf: token, name: '小所', email: 'small.office@tongzhou.example', roles: ['admin', 'handler'] }).expect(201);
    expect((await Staff.findOne({ email: 'small.office@tongzhou.example' }).lean())!.roles).toEqual(['admin', 'handler']);
  });

  it('when an account already holds both, then it keeps working and the accounts screen flags it', async () => {
    const both = await sessionOf(['admin', 'handler']);
    await both.agent.get('/staff/admin/accounts').expect(200);
    const admin = await sessionOf(['admin']);
    const list = await admin.agent.get('/staff/admin/accounts').expect(200);
    const row = list.text.split('<tr>').find((part) => part.includes(both.account.email))!;
    expect(row).toContain('管理员兼有办案角色');
    expect((await admin.agent.get(`/staff/admin/accounts/${both.account.id}`)).text).toContain('该管理员账号同时持有办案角色');
  });
});

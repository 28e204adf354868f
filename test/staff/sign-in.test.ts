import { Router } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { AuditEntry } from '../../server/audit/audit.model';
import { generateCommissionKeyPair } from '../../server/cases/sealing/commission-key';
import { wrapPrivateKeyForStaff } from '../../server/cases/sealing/staff-key-wrap';
import { sweepExpiredStaffSessions } from '../../server/staff/session';
import { Staff, TotpUse } from '../../server/staff/staff.model';
import { unlockedCommissionKey } from '../../server/staff/unlock';
import { refusalFloorMs } from '../../server/staff/sign-in.service';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { codeFor, cookieValue, createAccount, signIn } from './staff-helpers';

// A probe only this test mounts, to see what a triage route would get from unlockedCommissionKey.
const probe = Router().get('/staff/test-unlock', (req, res) => {
  res.json({ signedIn: Boolean(res.locals.staff), opened: unlockedCommissionKey(req) === commissionPrivateKey });
});
const { app, config, commissionPrivateKey } = buildTestApp({}, { extraRoutes: probe });

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

async function postPassword(agent: request.Agent, email: string, password: string): Promise<request.Response & { ms: number }> {
  const token = await csrfTokenFrom(agent, '/staff');
  const started = Date.now();
  const response = await agent.post('/staff/sign-in').type('form').send({ _csrf: token, email, password });
  return Object.assign(response, { ms: Date.now() - started });
}

async function auditActions(actor: string): Promise<string[]> {
  const entries = await AuditEntry.find({ actor }).sort({ seq: 1 }).lean();
  return entries.map((entry) => entry.action);
}

describe('signing in', () => {
  it('when a staff member gives the right password and a current code, then they reach the workspace with a new session id, and the sign-in is audited', async () => {
    const account = await createAccount(config, { roles: ['handler'] });
    const agent = browser(app);
    const token = await csrfTokenFrom(agent, '/staff');
    const afterPassword = await agent.post('/staff/sign-in').type('form').send({ _csrf: token, email: account.email, password: account.password }).expect(303);
    expect(afterPassword.headers.location).toBe('/staff/sign-in/code');
    const pendingId = cookieValue(afterPassword, 'qf_staff');
    expect(pendingId).toBeDefined();

    const afterCode = await agent.post('/staff/sign-in/code').type('form').send({ _csrf: token, code: codeFor(account.totpSecret) }).expect(303);
    expect(afterCode.headers.location).toBe('/staff');
    const signedInId = cookieValue(afterCode, 'qf_staff');
    expect(signedInId).toBeDefined();
    expect(signedInId).not.toBe(pendingId);

    const workspace = await agent.get('/staff').expect(200);
    expect(workspace.text).toContain('您好');
    expect(workspace.text).toContain('action="/staff/sign-out"');
    // The half-signed-in session is gone, not merely left behind.
    const stale = await request(app).get('/staff').set('Cookie', `qf_staff=${pendingId}`).expect(200);
    expect(stale.text).toContain('action="/staff/sign-in"');
    expect(await auditActions(account.id)).toEqual(['staff.totpEnrolled', 'staff.signIn']);
  });

  it('when the cookie is set, then it is HttpOnly, SameSite=Strict and path /, and with secure cookies it is __Host- prefixed and Secure', async () => {
    const account = await createAccount(config);
    const response = await signIn(browser(app), account);
    const line = (response.headers['set-cookie'] as unknown as string[]).find((entry) => entry.startsWith('qf_staff='))!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Strict/);
    expect(line).toMatch(/Path=\//);

    const secure = buildTestApp({ COOKIE_SECURE: 'true', TRUST_PROXY_HOPS: '1' });
    const secureAccount = await createAccount(secure.config);
    const agent = request.agent(secure.app);
    const page = await agent.get('/staff').set('X-Forwarded-Proto', 'https');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const cookies = (page.headers['set-cookie'] as unknown as string[]).map((entry) => entry.split(';')[0]).join('; ');
    const signedIn = await request(secure.app)
      .post('/staff/sign-in')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: token, email: secureAccount.email, password: secureAccount.password })
      .expect(303);
    const names = (signedIn.headers['set-cookie'] as unknown as string[]).map((entry) => entry.split('=')[0]);
    expect(names).toContain('__Host-qf_staff');
    const hostCookie = (signedIn.headers['set-cookie'] as unknown as string[]).find((entry) => entry.startsWith('__Host-qf_staff='))!;
    expect(hostCookie).toMatch(/; Secure/);
  });

  it('when a public page is visited, then no session cookie is given', async () => {
    for (const path of ['/', '/privacy', '/track']) {
      const page = await request(app).get(path);
      expect(String(page.headers['set-cookie'] ?? '')).not.toMatch(/qf_staff|qf_unlock/);
    }
    const signInPage = await request(app).get('/staff').expect(200);
    expect(String(signInPage.headers['set-cookie'] ?? '')).not.toMatch(/qf_staff/);
  });

  it('when a code is used a second time, then it is refused, even in a new sign-in, and the refusal is recorded', async () => {
    const account = await createAccount(config);
    const code = codeFor(account.totpSecret);
    const first = browser(app);
    const token = await csrfTokenFrom(first, '/staff');
    await first.post('/staff/sign-in').type('form').send({ _csrf: token, email: account.email, password: account.password }).expect(303);
    await first.post('/staff/sign-in/code').type('form').send({ _csrf: token, code }).expect(303);

    const second = browser(app);
    const secondToken = await csrfTokenFrom(second, '/staff');
    await second.post('/staff/sign-in').type('form').send({ _csrf: secondToken, email: account.email, password: account.password }).expect(303);
    const replay = await second.post('/staff/sign-in/code').type('form').send({ _csrf: secondToken, code }).expect(422);
    expect(replay.text).toContain('验证码不正确或已使用过');
    await second.get('/staff/admin/accounts').expect(303);

    const refusal = await AuditEntry.findOne({ actor: account.id, action: 'staff.signInFailed' }).lean();
    expect(refusal?.details).toEqual({ reason: 'codeReused' });
    // A code from the next step is still good.
    await second.post('/staff/sign-in/code').type('form').send({ _csrf: secondToken, code: codeFor(account.totpSecret, 1) }).expect(303);
  });

  it('when the code is wrong, then the code page comes back with 422 and the account is not signed in', async () => {
    const account = await createAccount(config);
    const agent = browser(app);
    const token = await csrfTokenFrom(agent, '/staff');
    await agent.post('/staff/sign-in').type('form').send({ _csrf: token, email: account.email, password: account.password }).expect(303);
    const wrong = String((Number(codeFor(account.totpSecret)) + 1) % 1_000_000).padStart(6, '0');
    const page = await agent.post('/staff/sign-in/code').type('form').send({ _csrf: token, code: wrong }).expect(422);
    expect(page.text).toContain('name="code"');
    const workspace = await agent.get('/staff').expect(200);
    expect(workspace.text).toContain('action="/staff/sign-in"');
  });

  it('when the address is unknown or the password wrong, then the answer has the same status and body and comes no sooner than the floor', async () => {
    const account = await createAccount(config);
    const agent = browser(app);
    // Alternating pairs, compared by median: one slow sample on a busy machine says nothing.
    const unknownMs: number[] = [];
    const wrongMs: number[] = [];
    const answers: { unknown: request.Response; wrong: request.Response }[] = [];
    for (let pair = 0; pair < 3; pair += 1) {
      const unknownAnswer = await postPassword(agent, 'nobody@tongzhou.example', account.password);
      const wrongAnswer = await postPassword(agent, account.email, `not the password at all ${pair}`);
      unknownMs.push(unknownAnswer.ms);
      wrongMs.push(wrongAnswer.ms);
      answers.push({ unknown: unknownAnswer, wrong: wrongAnswer });
    }
    const { unknown, wrong } = answers[0];

    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const normalise = (text: string, email: string) => text.replace(/name="_csrf" value="[^"]+"/g, '').replace(email, 'EMAIL');
    expect(normalise(unknown.text, 'nobody@tongzhou.example')).toBe(normalise(wrong.text, account.email));
    expect(wrong.text).toContain('邮箱或密码不正确');
    expect(Math.min(...unknownMs, ...wrongMs)).toBeGreaterThanOrEqual(refusalFloorMs - 5);
    // Both wait for the floor and run one argon2id; the figures are in the bench. Here only a gross
    // difference (one path skipping the hash on a quiet machine) should fail, not a busy machine's noise.
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1];
    const ratio = median(unknownMs) / median(wrongMs);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);

    const publicRefusal = await AuditEntry.findOne({ actor: 'public', action: 'staff.signInFailed' }).lean();
    expect(publicRefusal?.details).toEqual({ reason: 'unknownAccount' });
    expect(JSON.stringify(await AuditEntry.find().lean())).not.toContain('nobody@tongzhou.example');
  });

  it('when the password is wrong five times, then the account is locked, the right password is refused like a wrong one, and the lock is recorded', async () => {
    const account = await createAccount(config);
    const agent = browser(app);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await postPassword(agent, account.email, `wrong guess number ${attempt}`).then((response) => expect(response.status).toBe(401));
    }
    const locked = await postPassword(agent, account.email, account.password);
    expect(locked.status).toBe(401);
    expect(locked.text).toContain('邮箱或密码不正确');

    const lock = await mongoose.connection.collection('sign_in_guards').findOne({ _id: { $regex: `^lock:${account.id}:` } } as never);
    expect((lock!.lockedUntil as Date).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const actions = await auditActions(account.id);
    expect(actions.filter((action) => action === 'staff.signInFailed')).toHaveLength(6);
    expect(actions).toContain('staff.locked');
    const lastRefusal = await AuditEntry.findOne({ actor: account.id, action: 'staff.signInFailed' }).sort({ seq: -1 }).lean();
    expect(lastRefusal?.details).toEqual({ reason: 'locked' });

    // When the lock has run out, the right password works again.
    await mongoose.connection.collection('sign_in_guards').updateMany({ _id: { $regex: `^lock:${account.id}:` } } as never, { $set: { lockedUntil: new Date(Date.now() - 1000) } });
    await signIn(browser(app), account).then((response) => expect(response.headers.location).toBe('/staff'));
  });

  it('when the form is incomplete, then it comes back with 422, a message per field, and the email as typed', async () => {
    const agent = browser(app);
    const token = await csrfTokenFrom(agent, '/staff');
    const page = await agent.post('/staff/sign-in').type('form').send({ _csrf: token, email: 'typed@tongzhou.example', password: '' }).expect(422);
    expect(page.text).toContain('value="typed@tongzhou.example"');
    expect(page.text).toContain('请填写此项');
  });
});

describe('sessions', () => {
  it('when a staff member signs out, then the session is gone from the store and the old cookie no longer works', async () => {
    const account = await createAccount(config);
    const agent = browser(app);
    const signedIn = await signIn(agent, account);
    const sessionCookie = cookieValue(signedIn, 'qf_staff')!;
    const before = await mongoose.connection.collection('staff_sessions').countDocuments();
    const token = await csrfTokenFrom(agent, '/staff');
    await agent.post('/staff/sign-out').type('form').send({ _csrf: token }).expect(303);
    expect(await mongoose.connection.collection('staff_sessions').countDocuments()).toBe(before - 1);

    const replayed = await request(app).get('/staff').set('Cookie', `qf_staff=${sessionCookie}`).expect(200);
    expect(replayed.text).toContain('action="/staff/sign-in"');
    expect(await auditActions(account.id)).toContain('staff.signOut');
  });

  it('when an account is disabled, then its open session ends at the next request', async () => {
    const account = await createAccount(config);
    const agent = browser(app);
    await signIn(agent, account);
    await agent.get('/staff').expect(200).then((page) => expect(page.text).toContain('action="/staff/sign-out"'));
    await Staff.updateOne({ _id: account.id }, { $set: { disabled: true }, $inc: { sessionVersion: 1 } });
    const after = await agent.get('/staff').expect(200);
    expect(after.text).toContain('action="/staff/sign-in"');
  });

  it('when a session is older than the absolute limit, then it ends even though it was used recently', async () => {
    const account = await createAccount(config);
    const agent = browser(app);
    await signIn(agent, account);
    const sessions = mongoose.connection.collection<{ _id: string; session: string }>('staff_sessions');
    const stored = await sessions.find().toArray();
    const mine = stored.find((entry) => JSON.parse(entry.session).staffId === account.id)!;
    const data = JSON.parse(mine.session);
    data.signedInAt = Date.now() - config.staff.sessionMaxMs - 1000;
    await sessions.updateOne({ _id: mine._id }, { $set: { session: JSON.stringify(data) } });
    const page = await agent.get('/staff').expect(200);
    expect(page.text).toContain('action="/staff/sign-in"');
  });

  it('when sessions have expired, then the sweep deletes them and leaves live ones', async () => {
    const account = await createAccount(config);
    await signIn(browser(app), account);
    const sessions = mongoose.connection.collection<{ _id: string; expires: Date }>('staff_sessions');
    await sessions.insertOne({ _id: 'expired-session', expires: new Date(Date.now() - 60_000) } as never);
    const live = await sessions.countDocuments({ _id: { $ne: 'expired-session' } });
    await TotpUse.create([{ _id: 'someone:1', staffId: 'someone', at: new Date(Date.now() - 3_600_000) }, { _id: 'someone:2', staffId: 'someone', at: new Date() }]);
    const deleted = await sweepExpiredStaffSessions();
    expect(deleted).toBe(1);
    expect(await sessions.countDocuments()).toBe(live);
    expect(await TotpUse.exists({ _id: 'someone:1' })).toBeNull();
    expect(await TotpUse.exists({ _id: 'someone:2' })).not.toBeNull();
  });
});

describe('unlocking sealed content', () => {
  it('when a key holder signs in, then the session store holds no key, password or TOTP secret in clear, and only the session and its unlock cookie together open the key', async () => {
    const account = await createAccount(config, { commissionPrivateKeyPem: commissionPrivateKey });
    const agent = browser(app);
    const signedIn = await signIn(agent, account);
    expect(signedIn.headers.location).toBe('/staff');
    const unlockCookie = cookieValue(signedIn.passwordStep, 'qf_unlock')!;
    const sessionCookie = cookieValue(signedIn, 'qf_staff')!;
    await agent.get('/staff/test-unlock').expect(200, { signedIn: true, opened: true });
    expect((await agent.get('/staff')).text).toContain('本次登录已解锁加密内容');

    const stored = JSON.stringify(await mongoose.connection.collection('staff_sessions').find().toArray());
    expect(stored).toContain(account.id);
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain(commissionPrivateKey.split('\n')[1]);
    expect(stored).not.toContain(account.password);
    expect(stored).not.toContain(account.totpSecret);
    expect(stored).not.toContain(decodeURIComponent(unlockCookie));

    // The session without its unlock cookie: signed in, but nothing opens.
    await request(app).get('/staff/test-unlock').set('Cookie', `qf_staff=${sessionCookie}`).expect(200, { signedIn: true, opened: false });
    // The unlock cookie with another session of the same person: nothing opens.
    const other = await signIn(browser(app), account, { steps: 1 });
    const otherSession = cookieValue(other, 'qf_staff')!;
    await request(app).get('/staff/test-unlock').set('Cookie', `qf_staff=${otherSession}; qf_unlock=${unlockCookie}`).expect(200, { signedIn: true, opened: false });
    // The unlock cookie alone is no sign-in.
    await request(app).get('/staff/test-unlock').set('Cookie', `qf_unlock=${unlockCookie}`).expect(200, { signedIn: false, opened: false });
  });

  it('when an account holds no key, then no unlock cookie is given and nothing opens', async () => {
    const account = await createAccount(config);
    const agent = browser(app);
    const signedIn = await signIn(agent, account);
    expect(cookieValue(signedIn.passwordStep, 'qf_unlock') ?? '').toBe('');
    await agent.get('/staff/test-unlock').expect(200, { signedIn: true, opened: false });
  });

  it('when the key an account holds is not the configured commission key, then it is not unlocked and the mismatch is recorded', async () => {
    const other = generateCommissionKeyPair();
    const account = await createAccount(config);
    await Staff.updateOne({ _id: account.id }, { $set: { wrappedCommissionKey: await wrapPrivateKeyForStaff(other.privateKeyPem, account.password) } });
    const agent = browser(app);
    await signIn(agent, account);
    await agent.get('/staff/test-unlock').expect(200, { signedIn: true, opened: false });
    expect(await auditActions(account.id)).toContain('staff.keyMismatch');
  });
});

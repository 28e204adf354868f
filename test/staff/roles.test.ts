import { Router } from 'express';
import request from 'supertest';
import { requireRole } from '../../server/staff/access';
import { caseRoles, Staff, type StaffRole } from '../../server/staff/staff.model';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { createAccount, signIn } from './staff-helpers';

// Stands in for a triage route: only case roles may use it.
const probe = Router().get('/staff/test-case-work', requireRole(...caseRoles), (_req, res) => {
  res.send('case work');
});
const { app, config } = buildTestApp({}, { extraRoutes: probe });

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

async function signedInAs(roles: StaffRole[]) {
  const account = await createAccount(config, { roles });
  const agent = browser(app);
  await signIn(agent, account).then((response) => expect(response.headers.location).toBe('/staff'));
  return { agent, account };
}

describe('roles', () => {
  it('when nobody is signed in, then staff pages send them to the sign-in page', async () => {
    for (const path of ['/staff/admin/accounts', '/staff/admin/accounts/new', '/staff/audit', '/staff/password', '/staff/test-case-work']) {
      const response = await request(app).get(path).expect(303);
      expect(response.headers.location).toBe('/staff');
    }
  });

  it.each([[['handler'] as const], [['intake'] as const], [['supervisor', 'custodian'] as const]])(
    'when a staff member with roles %j opens or posts to the account pages, then they get 403 and nothing is created',
    async (roles) => {
      const { agent } = await signedInAs([...roles]);
      const page = await agent.get('/staff/admin/accounts').expect(403);
      expect(page.text).toContain('无权访问');
      await agent.get('/staff/admin/accounts/new').expect(403);
      const token = await csrfTokenFrom(agent, '/staff');
      const before = await Staff.countDocuments();
      await agent.post('/staff/admin/accounts').type('form').send({ _csrf: token, name: 'Intruder', email: 'intruder@tongzhou.example', roles: 'admin' }).expect(403);
      expect(await Staff.countDocuments()).toBe(before);
    },
  );

  it('when an administrator opens a route that needs a case role, then they get 403, while a handler gets through', async () => {
    const admin = await signedInAs(['admin']);
    await admin.agent.get('/staff/admin/accounts').expect(200);
    const refused = await admin.agent.get('/staff/test-case-work').expect(403);
    expect(refused.text).not.toContain('case work');
    const handler = await signedInAs(['handler']);
    await handler.agent.get('/staff/test-case-work').expect(200, 'case work');
  });

  it('when a handler opens the audit trail, then they get 403; supervisors and administrators may read it', async () => {
    await (await signedInAs(['handler'])).agent.get('/staff/audit').expect(403);
    await (await signedInAs(['supervisor'])).agent.get('/staff/audit').expect(200);
    await (await signedInAs(['admin'])).agent.get('/staff/audit').expect(200);
  });

  it('when a role is taken away, then it stops working at the next request, without signing in again', async () => {
    const { agent, account } = await signedInAs(['handler', 'supervisor']);
    await agent.get('/staff/audit').expect(200);
    await Staff.updateOne({ _id: account.id }, { $set: { roles: ['handler'] } });
    await agent.get('/staff/audit').expect(403);
  });

  it('when someone must still replace a one-time password, then every staff page sends them to the password page first', async () => {
    const account = await createAccount(config, { roles: ['admin', 'handler'], mustChangePassword: true });
    const agent = browser(app);
    const signedIn = await signIn(agent, account);
    expect(signedIn.headers.location).toBe('/staff/password');
    for (const path of ['/staff', '/staff/admin/accounts', '/staff/audit', '/staff/test-case-work']) {
      const response = await agent.get(path).expect(303);
      expect(response.headers.location).toBe('/staff/password');
    }
    await agent.get('/staff/password').expect(200);
  });
});

/**
 * Every state-changing route refuses a POST without the page's token, sent
 * urlencoded or multipart, before it does any work: a signed-in member of
 * staff who opens a hostile page must not be made to disable an account,
 * reset a second factor, act on a case or sign out. Nothing stored changes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { caseActions } from '../../server/triage/case-actions';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, trackingCodeIn, validReport } from '../helpers/reports';
import { createAccount, signIn } from '../staff/staff-helpers';
import { Case } from '../../server/cases/case.model';
import { commissionKeyId } from '../../server/cases/sealing/commission-key';
import { Approval } from '../../server/staff/approvals/approval.model';
import { submitRoles } from '../../server/staff/approvals/requests.service';

const { app, config } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000' });

let staff: ReturnType<typeof browser>;
let reference: string;
let targetId: string;
let approvalId: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const reporter = browser(app);
  const confirmation = await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
  expect(trackingCodeIn(confirmation.text)).toBeDefined();
  reference = (await Case.findOne({}).lean())!.reference;
  targetId = (await createAccount(config, { roles: ['handler'] })).id;
  const requester = await createAccount(config, { roles: ['admin'] });
  const pendingTarget = await createAccount(config, { roles: ['handler'] });
  await submitRoles(pendingTarget.id, ['handler', 'custodian'], { actor: requester.id, totpSecret: config.secrets.totp, commissionKeyId: commissionKeyId(config.secrets.commissionPublicKey) });
  approvalId = String((await Approval.findOne({}).lean())!._id);
  staff = browser(app);
  await signIn(staff, await createAccount(config, { roles: ['admin', 'supervisor', 'handler', 'intake', 'custodian'] }));
});
afterAll(dropTestDatabase);

function everyPostPath(): string[] {
  return [
    '/language', '/report', '/report/received/done', '/track', '/track/add', '/track/leave', '/track/rate', '/track/object', '/track/retaliation',
    '/staff/sign-in', '/staff/sign-in/code', '/staff/password', '/staff/sign-out',
    `/staff/cases/${reference}/identity`,
    ...Object.keys(caseActions).map((action) => `/staff/cases/${reference}/${action}`),
    '/staff/admin/accounts', `/staff/admin/accounts/${targetId}/roles`,
    ...['disable', 'enable', 'totp-reset', 'key-revoke', 'password-reset'].map((action) => `/staff/admin/accounts/${targetId}/${action}`),
    '/staff/admin/taxonomy/units', '/staff/admin/taxonomy/units/gaj', '/staff/admin/calendar',
    '/staff/admin/retention/rules', '/staff/admin/retention/hold', '/staff/admin/retention/release',
    `/staff/approvals/${approvalId}/approve`, `/staff/approvals/${approvalId}/reject`,
    '/staff/intake/new', '/staff/inspection/new',
    '/w/abcdef', '/staff/admin/windows',
    '/staff/assessment/weights', '/staff/cases/bulk',
    '/staff/rectification/new', ...['answer', 'verify', 'send-back'].map((step) => `/staff/rectification/items/0123456789abcdef01234567/${step}`),
    `/staff/cases/${reference}/reply/template`, '/staff/admin/reply-templates', '/staff/admin/reply-templates/0123456789ab', '/staff/admin/reply-templates/0123456789ab/delete',
  ];
}

/** Everything stored but the sessions (whose expiry a request may touch) and the rate limits. */
async function storedState(): Promise<string> {
  const names = (await mongoose.connection.db!.listCollections().toArray()).map((collection) => collection.name).filter((name) => !['sessions', 'locks'].includes(name)).sort();
  const state: Record<string, unknown[]> = {};
  for (const name of names) state[name] = await mongoose.connection.collection(name).find({}).sort({ _id: 1 }).toArray();
  return JSON.stringify(state);
}

describe('CSRF on every POST route', () => {
  it('when the routes that change state are counted in the code, then each is in the list this test posts to', () => {
    const serverDir = path.join(__dirname, '../../server');
    const files = readdirSync(serverDir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.routes.ts'));
    const posts = files.flatMap((file) => readFileSync(path.join(serverDir, file), 'utf8').match(/\.post\(/g) ?? []);
    // Written out, plus one loop over the 4 account buttons (disable, enable, TOTP reset, key revoke) and one over hold and release.
    expect(posts).toHaveLength(40);
  });

  it('when any POST route is sent without a token, urlencoded, multipart or multipart with the token only in its body, then it answers 403 and nothing stored changes', async () => {
    const token = await csrfTokenFrom(staff, '/staff');
    const before = await storedState();
    const refusals: string[] = [];
    for (const target of everyPostPath()) {
      const attempts = {
        urlencoded: await staff.post(target).type('form').send({ reason: 'x', text: 'x', code: '123456', roles: 'custodian' }),
        multipart: await staff.post(target).field('reason', 'x').field('roles', 'custodian'),
        'multipart, token in body': await staff.post(target).field('_csrf', token).field('roles', 'custodian'),
      };
      for (const [how, response] of Object.entries(attempts)) if (response.status !== 403) refusals.push(`${target} (${how}): ${response.status}`);
    }
    expect(refusals).toEqual([]);
    expect(await storedState()).toBe(before);
    await staff.get('/staff').expect(200); // still signed in: sign-out was refused too
  });
});

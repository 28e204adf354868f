/**
 * Reports by letter, telephone, visit and referral, entered by an intake
 * officer over HTTP against the real database: the deadline counts from the
 * day received, the caller's code works on /track, the content and the
 * caller's number are sealed, the entry is audited, the monthly report and
 * /figures count by channel, and bad input or the wrong role changes nothing.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { Case } from '../../server/cases/case.model';
import { addWorkingDays } from '../../server/cases/working-days';
import { workingCalendar } from '../../server/cases/deadlines';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { foldInPendingChanges } from '../../server/oversight/rollup.service';
import { buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase, storedCaseOf, trackingCodeIn } from '../helpers/reports';
import { lookUpOk } from '../helpers/tracking';
import { browser } from '../helpers/app';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import type request from 'supertest';

let app: ReturnType<typeof buildTestApp>;
let staffAgent: ReturnType<typeof signedInAgents>;
const accounts: Record<string, TestAccount> = {};

const dayMs = 86_400_000;
const yesterday = chinaDateOf(new Date(Date.now() - dayMs));
const callerPhone = '13911112222';
const phoneReport = {
  channel: 'phone',
  receivedDate: yesterday,
  reporterType: 'resident',
  kind: 'complaint',
  unit: 'xzspj',
  category: 'favours',
  description: '来电反映：办理营业执照时窗口人员要求先请客吃饭才给办理。CALL-7731',
  whenWhere: '区政务服务中心',
  identityChoice: 'confidential',
  name: '来电人赵某',
  phone: callerPhone,
};

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100' });
  staffAgent = signedInAgents(app.app, accounts);
  const key = app.commissionPrivateKey;
  accounts.intake = await createAccount(app.config, { roles: ['intake'], commissionPrivateKeyPem: key });
  accounts.handler = await createAccount(app.config, { roles: ['handler'], commissionPrivateKeyPem: key });
  accounts.supervisor = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
});
afterAll(dropTestDatabase);

async function openEntryForm(agent: request.Agent): Promise<{ csrf: string; formToken: string }> {
  const page = await agent.get('/staff/intake/new').expect(200);
  return { csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1], formToken: /name="formToken" value="([^"]+)"/.exec(page.text)![1] };
}

function postEntry(agent: request.Agent, form: { csrf: string; formToken: string }, fields: Record<string, string>): request.Test {
  let call = agent.post(`/staff/intake/new?_csrf=${encodeURIComponent(form.csrf)}`).field('_csrf', form.csrf).field('formToken', form.formToken);
  for (const [name, value] of Object.entries(fields)) call = call.field(name, value);
  return call;
}

describe('entering a report that came by telephone', () => {
  let code: string;
  let reference: string;

  it('when an intake officer enters a call received yesterday, then a slip shows the code once, the portal address and the day, and the entry is audited', async () => {
    const intake = await staffAgent('intake');
    const slip = await postEntry(intake, await openEntryForm(intake), phoneReport).expect(200);
    code = trackingCodeIn(slip.text)!;
    expect(code).toMatch(/^\d{20}$/);
    expect(slip.text).toContain(`${app.config.publicUrl}/track`);
    expect(slip.text).toContain(yesterday);
    expect(slip.text).toContain('来电');
    const stored = await storedCaseOf(code);
    expect(stored).toMatchObject({ channel: 'phone', receivedDate: yesterday, hasIdentity: true, status: 'new' });
    reference = stored!.reference;
    const audit = await AuditEntry.find({ action: 'case.entered' }).lean();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: accounts.intake.id, caseRef: reference, details: { channel: 'phone' } });
  });

  it('when the queue is opened, then the case is marked 来电 with its deadline counted from yesterday', async () => {
    const due = addWorkingDays(yesterday, 15, workingCalendar());
    const queue = await (await staffAgent('intake')).get('/staff/cases?channel=phone').expect(200);
    const row = queue.text.split('<tr').find((part) => part.includes(reference))!;
    expect(row).toContain('来电');
    expect(row).toContain(due);
    expect(queue.text).toMatch(/<option value="phone" selected>来电<\/option>/);
    const web = await (await staffAgent('intake')).get('/staff/cases?channel=web').expect(200);
    expect(web.text).not.toContain(reference);
  });

  it('when the caller uses the code on /track, then they see their case; and a dump of the database holds neither the description nor the number in clear', async () => {
    const page = await lookUpOk(browser(app.app), code);
    expect(page.text).toContain(`<dd>${yesterday}</dd>`);
    const dump = await dumpDatabase();
    expect(dump).not.toContain('CALL-7731');
    expect(dump).not.toContain(callerPhone);
    expect(dump).not.toContain(code);
  });

  it('when the supervisor opens the month\'s report, then it counts one telephone report, linked to the case list by channel', async () => {
    const month = yesterday.slice(0, 7);
    const report = await (await staffAgent('supervisor')).get(`/staff/reports/${month}`).expect(200);
    expect(report.text).toContain('按反映渠道统计');
    expect(report.text).toMatch(new RegExp(`href="/staff/cases\\?month&#x3D;${month}&amp;channel&#x3D;phone">1<`));
    const csv = await (await staffAgent('supervisor')).get(`/staff/reports/${month}/received-by-channel.csv`).expect(200);
    expect(csv.text).toMatch(/来电,1,/);
  });
});

describe('refusals', () => {
  it('when the date is in the future, the unit is not on the list or the channel is missing, then 422 beside each field with the text kept, and nothing is stored', async () => {
    const intake = await staffAgent('intake');
    const before = await Case.countDocuments();
    const tomorrow = chinaDateOf(new Date(Date.now() + dayMs));
    const refused = await postEntry(intake, await openEntryForm(intake), { ...phoneReport, channel: '', receivedDate: tomorrow, unit: 'no-such-unit' }).expect(422);
    expect(refused.text).toContain('id="receivedDate-error"');
    expect(refused.text).toContain('请填写收到日期');
    expect(refused.text).toContain('id="channel-error"');
    expect(refused.text).toContain('CALL-7731');
    const unknownUnit = await postEntry(intake, await openEntryForm(intake), { ...phoneReport, unit: 'no-such-unit' }).expect(422);
    expect(unknownUnit.text).toContain('id="unit-error"');
    expect(unknownUnit.text).toContain(callerPhone);
    expect(await Case.countDocuments()).toBe(before);
  });

  it('when a handler (not intake) opens or posts the entry form, then 403 and nothing is stored', async () => {
    const handler = await staffAgent('handler');
    await handler.get('/staff/intake/new').expect(403);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await handler.get('/staff')).text)![1];
    const before = await Case.countDocuments();
    await handler.post(`/staff/intake/new?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf).field('formToken', 'x.y').field('description', phoneReport.description).expect(403);
    expect(await Case.countDocuments()).toBe(before);
  });

  it('when no one is signed in, then the form is not shown', async () => {
    const response = await browser(app.app).get('/staff/intake/new');
    expect(response.status).toBe(303);
  });
});

describe('the public figures by channel', () => {
  it('when five letters received last month are entered, then /figures for that month shows 5 under 来信', async () => {
    const intake = await staffAgent('intake');
    const lastMonthDay = chinaDateOf(new Date(Date.now() - 35 * dayMs));
    for (let n = 0; n < 5; n += 1) {
      await postEntry(intake, await openEntryForm(intake), { ...phoneReport, channel: 'letter', receivedDate: lastMonthDay, identityChoice: 'anonymous', name: '', phone: '', description: `来信反映窗口人员索要好处费，第${n + 1}封来信，内容各不相同。` }).expect(200);
    }
    await foldInPendingChanges();
    const figures = await browser(app.app).get(`/figures/${lastMonthDay.slice(0, 7)}`).expect(200);
    const table = figures.text.split('<table').find((part) => part.includes('aria-labelledby="by-channel"'))!;
    expect(table).toMatch(/来信<\/th><td class="num">5</);
  });
});

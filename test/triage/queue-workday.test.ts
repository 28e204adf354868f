/**
 * The queue for a day's work, over HTTP against the real database: finding a
 * case by its reference, "my cases", the handler column, stage counts that
 * follow the other filters, the dashboard's counts, and a reporter's
 * addition marked 新补充 until someone opens the case, with a content-free
 * mail to the assignee.
 */
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { tellAssigneesOfAdditions } from '../../server/triage/reporter-additions.service';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOfPage, trackingCodeIn, validReport } from '../helpers/reports';
import { addFormFields, lookUpOk } from '../helpers/tracking';
import { createAccount, signIn, type TestAccount } from '../staff/staff-helpers';

const { app, config, commissionPrivateKey } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_SITE: '100' });
const publicUrl = 'https://qingfeng.example.gov.cn';
let supervisor: ReturnType<typeof browser>;
let handler: ReturnType<typeof browser>;
let handlerAccount: TestAccount;
const cases: Array<{ reference: string; code: string }> = [];

async function report(unit: string): Promise<{ reference: string; code: string }> {
  const reporter = browser(app);
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, unit }).expect(200);
  const code = trackingCodeIn(page.text)!;
  return { reference: (await storedCaseOfPage(page.text))!.reference, code };
}

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  for (const unit of ['xzspj', 'xzspj', 'rsj']) cases.push(await report(unit));
  supervisor = browser(app);
  await signIn(supervisor, await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: commissionPrivateKey }));
  handlerAccount = await createAccount(config, { roles: ['handler'], name: '周明远', commissionPrivateKeyPem: commissionPrivateKey });
  handler = browser(app);
  await signIn(handler, handlerAccount);
  const token = await csrfTokenFrom(supervisor, `/staff/cases/${cases[0].reference}`);
  await supervisor.post(`/staff/cases/${cases[0].reference}/assign`).type('form').send({ _csrf: token, handlerId: handlerAccount.id }).expect(303);
});
afterAll(dropTestDatabase);

describe('the queue for a day\'s work', () => {
  it('when a handler opens "my cases", then their case is listed with their name in the handler column, and the others are not', async () => {
    const page = await handler.get('/staff/cases?mine=yes').expect(200);
    expect(page.text).toContain(`>${cases[0].reference}</a>`);
    expect(page.text).not.toContain(`>${cases[1].reference}</a>`);
    expect(page.text).toMatch(/class="assignee">周明远</);
    const all = await supervisor.get('/staff/cases?mine=yes').expect(200);
    expect(all.text).not.toContain(`>${cases[0].reference}</a>`);
    expect(all.text).toContain('共0件');
  });

  it('when staff search by a reference or its number alone, then they land on that case; a reference they may not see is "not found"', async () => {
    const found = await supervisor.get(`/staff/cases?q=${cases[1].reference.toLowerCase()}`).expect(303);
    expect(found.headers.location).toBe(`/staff/cases/${cases[1].reference}`);
    const number = Number(cases[2].reference.slice(-5));
    const byNumber = await supervisor.get(`/staff/cases?q=${number}`).expect(303);
    expect(byNumber.headers.location).toBe(`/staff/cases/${cases[2].reference}`);
    const hidden = await handler.get(`/staff/cases?q=${cases[1].reference}`).expect(200);
    expect(hidden.text).toContain('id="q-error"');
    expect(hidden.text).toContain(`value="${cases[1].reference}"`);
    const unknown = await supervisor.get('/staff/cases?q=TZ-2026-99999').set('Cookie', 'qf_lang=en').expect(200);
    expect(unknown.text).toContain('No case with the reference');
  });

  it('when the queue is filtered by unit, then the stage counts are those of that unit', async () => {
    const page = await supervisor.get('/staff/cases?unit=rsj').expect(200);
    expect(page.text).toMatch(/待受理: <strong>1<\/strong>/);
    const unfiltered = await supervisor.get('/staff/cases').expect(200);
    expect(unfiltered.text).toMatch(/待受理: <strong>3<\/strong>/);
  });

  it('when the reporter adds information, then the queue and the dashboard show 新补充, the assignee is mailed only the reference, and opening the case clears it', async () => {
    const reporter = browser(app);
    const fields = addFormFields((await lookUpOk(reporter, cases[0].code)).text);
    await reporter.post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`).field('_csrf', fields.csrf).field('code', fields.code).field('message', '补充：对方昨天又来电催促。ADDITION-7731').expect(303);
    const queue = await supervisor.get('/staff/cases?addition=yes').expect(200);
    expect(queue.text).toContain(`>${cases[0].reference}</a>`);
    expect(queue.text).toContain('新补充');
    expect(queue.text).not.toContain(`>${cases[1].reference}</a>`);
    const dashboard = await supervisor.get('/staff').expect(200);
    expect(dashboard.text).toMatch(/<strong>1<\/strong> 件新补充/);
    expect(dashboard.text).toMatch(/<strong>3<\/strong> 件待受理/);

    expect(await tellAssigneesOfAdditions(publicUrl)).toBe(1);
    const mails = await OutboxMail.find({ template: 'reporterAddition' }).lean();
    expect(mails.map((mail) => mail.to)).toEqual([handlerAccount.email]);
    expect(mails[0].text).toContain(cases[0].reference);
    expect(mails[0].text).not.toContain('ADDITION-7731');
    expect(mails[0].text).not.toContain('来电');
    expect(await tellAssigneesOfAdditions(publicUrl)).toBe(0);

    await handler.get(`/staff/cases/${cases[0].reference}`).expect(200);
    const after = await supervisor.get('/staff/cases?addition=yes').expect(200);
    expect(after.text).not.toContain(`>${cases[0].reference}</a>`);
    expect((await supervisor.get('/staff').expect(200)).text).toMatch(/<strong>0<\/strong> 件新补充/);
  });
});

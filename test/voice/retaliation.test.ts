/**
 * The retaliation check-in (打击报复) over HTTP against the real database: a
 * reporter on a closed case tells of a sudden inspection of their shop; a
 * linked case appears for supervisors only, the reporter follows it with the
 * same code, and the mail says only that a case arrived.
 */
import sharp from 'sharp';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase } from '../helpers/reports';
import { lookUpOk } from '../helpers/tracking';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { act, formFields, newCase } from './voice-helpers';

let app: ReturnType<typeof buildTestApp>;
const accounts: Record<string, TestAccount> = {};
let staff: ReturnType<typeof signedInAgents>;
let photo: Buffer;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '200', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  staff = signedInAgents(app.app, accounts);
  const key = app.commissionPrivateKey;
  accounts.intake = await createAccount(app.config, { roles: ['intake'], commissionPrivateKeyPem: key });
  accounts.handler = await createAccount(app.config, { roles: ['handler'], commissionPrivateKeyPem: key });
  accounts.supervisor = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
  photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0a0' } }).png().toBuffer();
});
afterAll(dropTestDatabase);

async function postRetaliation(code: string, fields: Record<string, string>, files: Buffer[] = []) {
  const agent = browser(app.app);
  const page = await lookUpOk(agent, code);
  const { csrf } = formFields(page.text, '/track/retaliation');
  let call = agent.post(`/track/retaliation?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf).field('code', code);
  for (const [name, value] of Object.entries(fields)) call = call.field(name, value);
  for (const file of files) call = call.attach('evidence', file, { filename: 'shop.png', contentType: 'image/png' });
  return call;
}

describe('retaliation check-in', () => {
  it('when the form lacks what happened, then 422 says so beside the field, keeps the date typed and stores no case', async () => {
    const { code } = await newCase(app.app);
    const before = await Case.countDocuments({});
    const refused = await postRetaliation(code, { happened: '', when: '上周三上午' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('id="retaliation-happened-error"');
    expect(refused.text).toContain('请填写发生了什么，2至5000字。');
    expect(refused.text).toContain('value="上周三上午"');
    expect(await Case.countDocuments({})).toBe(before);
  });

  it('when a reporter on a closed case tells of a sudden inspection, then a linked case appears for supervisors only, the reporter follows it with the same code, and the mail says only that a case arrived', async () => {
    const { code, reference } = await newCase(app.app);
    expect((await act(await staff('intake'), reference, 'decline', { reason: '不属于受理范围。' })).status).toBe(303);
    expect((await act(await staff('intake'), reference, 'close')).status).toBe(303);
    const mailsBefore = await OutboxMail.countDocuments({ template: 'newCase' });

    const sent = await postRetaliation(code, { happened: 'RETALIATION-7310 反映问题后第三天，我的店铺被突击检查，检查人员说“让你再举报”。', when: '2026年11月20日上午' }, [photo]);
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/track/case');

    const original = (await Case.findOne({ reference }).lean())!;
    expect(original.linkedCaseIds).toHaveLength(1);
    const linked = (await Case.findById(original.linkedCaseIds[0]).lean())!;
    expect(linked).toMatchObject({ categoryCode: 'retaliation', priority: 'high', supervisorsOnly: true, status: 'new', unitCode: original.unitCode, attachmentCount: 1 });
    expect(linked.dueDate).toBe(linked.acceptDueDate);
    expect(await dumpDatabase()).not.toContain('RETALIATION-7310');

    // Supervisors only: the queue and the case page.
    const supervisor = await staff('supervisor');
    expect((await supervisor.get('/staff/cases').expect(200)).text).toContain(linked.reference);
    const casePage = await supervisor.get(`/staff/cases/${linked.reference}`).expect(200);
    expect(casePage.text).toContain('RETALIATION-7310');
    expect(casePage.text).toContain('仅监督人员可见');
    const intake = await staff('intake');
    expect((await intake.get(`/staff/cases/${linked.reference}`)).status).toBe(403);
    expect((await intake.get('/staff/cases').expect(200)).text).not.toContain(linked.reference);
    expect((await (await staff('handler')).get(`/staff/cases/${linked.reference}`)).status).toBe(403);
    // Nor does the queue's search by reference: it answers as for a case that does not exist, without leading to it.
    const searched = await intake.get(`/staff/cases?q=${linked.reference}`);
    expect(searched.status).toBe(200);
    expect(searched.text).not.toContain(`/staff/cases/${linked.reference}`);
    expect((await supervisor.get(`/staff/cases?q=${linked.reference}`)).headers.location).toBe(`/staff/cases/${linked.reference}`);
    // Nor does the original case's page tell intake of it.
    expect((await intake.get(`/staff/cases/${reference}`).expect(200)).text).not.toContain(linked.reference);

    // The mail: a reference and a link, nothing of what happened.
    expect(await OutboxMail.countDocuments({ template: 'newCase' })).toBe(mailsBefore + 1);
    const mail = (await OutboxMail.find({ template: 'newCase' }).lean()).find((entry) => entry.text.includes(linked.reference))!;
    expect(mail.text).not.toContain('RETALIATION-7310');
    expect(mail.text).not.toContain('检查');

    // The reporter follows both with the same code; a supervisor's reply on the linked case shows there.
    expect((await act(supervisor, linked.reference, 'reply', { text: 'REPLY-2208 已收到，我们将核实。' })).status).toBe(303);
    const page = await lookUpOk(browser(app.app), code);
    expect(page.text).toContain('您反映的打击报复情况');
    expect(page.text).toContain('REPLY-2208');
    expect(page.text).not.toContain(linked.reference);

    // Counted apart in the monthly report.
    const report = await supervisor.get(`/staff/reports/${chinaDateOf(new Date()).slice(0, 7)}`).expect(200);
    expect(report.text.slice(report.text.indexOf('id="retaliation"'))).toMatch(/区行政审批局<\/th><td class="num retaliation-count">1<\/td>/);
  });
});

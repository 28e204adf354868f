/**
 * A retaliation check-in (voice/) as staff and its reporter meet it
 * afterwards, over HTTP against the real database: its category shows as
 * 打击报复 on staff pages and in the figures, never as a raw key; and a
 * reporter's addition meant for it reaches it, not the case it came from.
 */
import sharp from 'sharp';
import { Case } from '../../server/cases/case.model';
import { CaseMessage } from '../../server/cases/case-message.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { openReportForm, postReport, validReport } from '../helpers/reports';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { addFormFields, lookUpOk } from '../helpers/tracking';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { act, formFields, newCase } from '../voice/voice-helpers';

const { app, config, commissionPrivateKey } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '200', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(app, accounts);
let original: { code: string; reference: string };
let linkedReference: string;
let linkedId: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  accounts.supervisor = await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: commissionPrivateKey });
  original = await newCase(app);
  const supervisor = await staff('supervisor');
  expect((await act(supervisor, original.reference, 'decline', { reason: '不属于受理范围。' })).status).toBe(303);
  const agent = browser(app);
  const { csrf } = formFields((await lookUpOk(agent, original.code)).text, '/track/retaliation');
  const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0a0' } }).png().toBuffer();
  await agent.post(`/track/retaliation?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf).field('code', original.code)
    .field('happened', '反映问题后，我的店铺被突击检查了两次。').field('when', '2026年11月').attach('evidence', photo, { filename: 'shop.png', contentType: 'image/png' }).expect(303);
  const stored = (await Case.findOne({ reference: original.reference }).lean())!;
  const linked = (await Case.findById(stored.linkedCaseIds[0]).lean())!;
  linkedReference = linked.reference;
  linkedId = linked._id.toString();
});
afterAll(dropTestDatabase);

describe('the retaliation category', () => {
  it('when a supervisor opens the queue, the linked case and the month report, then the category reads 打击报复 (Retaliation in English), not its key', async () => {
    const supervisor = await staff('supervisor');
    const queue = await supervisor.get('/staff/cases?category=retaliation').expect(200);
    expect(queue.text).toContain(`>${linkedReference}</a>`);
    expect(queue.text).toMatch(/data-label="问题类型">打击报复</);
    const page = await supervisor.get(`/staff/cases/${linkedReference}`).expect(200);
    expect(page.text).toMatch(/<dd>打击报复<\/dd>/);
    const english = await supervisor.get(`/staff/cases/${linkedReference}`).set('Cookie', 'qf_lang=en').expect(200);
    expect(english.text).toMatch(/<dd>Retaliation<\/dd>/);
    const report = await supervisor.get(`/staff/reports/${chinaDateOf(new Date()).slice(0, 7)}`).expect(200);
    const byCategory = report.text.slice(report.text.indexOf('id="received-by-category"'), report.text.indexOf('id="received-by-unit"'));
    expect(byCategory).toContain('打击报复');
    expect(byCategory).not.toMatch(/>retaliation</);
  });

  it('when a reporter opens the report form, then 打击报复 is not a category they can choose, and sending it is refused', async () => {
    const form = await browser(app).get('/report').expect(200);
    expect(form.text).not.toContain('value="retaliation"');
    const reporter = browser(app);
    const refused = await postReport(reporter, await openReportForm(reporter), { ...validReport, category: 'retaliation' });
    expect(refused.status).toBe(422);
  });

  it('when an administrator tries to offer 打击报复 to reporters, then it is refused (409) and stays off the form', async () => {
    accounts.admin = await createAccount(config, { roles: ['admin'] });
    const admin = await staff('admin');
    const token = await csrfTokenFrom(admin, '/staff/admin/taxonomy');
    const refused = await admin.post('/staff/admin/taxonomy/categories/retaliation').type('form')
      .send({ _csrf: token, nameZh: '打击报复', nameEn: 'Retaliation', group: 'other', order: '9', active: 'yes' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('不向反映人提供');
    expect((await browser(app).get('/report').expect(200)).text).not.toContain('value="retaliation"');
  });
});

describe('a reporter\'s addition to the retaliation case', () => {
  it('when the reporter adds information to the retaliation case, then it reaches that case, marks it 新补充, and the original case gets nothing', async () => {
    const agent = browser(app);
    const page = await lookUpOk(agent, original.code);
    expect(page.text).toContain(`id="to-${linkedId}"`);
    const fields = addFormFields(page.text);
    const before = await CaseMessage.countDocuments({ caseId: (await Case.findOne({ reference: original.reference }).lean())!._id });
    await agent.post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`).field('_csrf', fields.csrf).field('code', fields.code).field('to', linkedId)
      .field('message', '昨天检查人员又来了，LINKED-ADDITION-5120。').expect(303);
    expect(await CaseMessage.countDocuments({ caseId: linkedId, type: 'addition' })).toBe(1);
    expect(await CaseMessage.countDocuments({ caseId: (await Case.findOne({ reference: original.reference }).lean())!._id })).toBe(before);
    const supervisor = await staff('supervisor');
    const additions = await supervisor.get('/staff/cases?addition=yes').expect(200);
    expect(additions.text).toContain(`>${linkedReference}</a>`);
    expect(additions.text).not.toContain(`>${original.reference}</a>`);
    expect((await supervisor.get(`/staff/cases/${linkedReference}`).expect(200)).text).toContain('LINKED-ADDITION-5120');
    // The reporter sees it under the retaliation case, with the same code.
    const after = await lookUpOk(browser(app), original.code);
    const linkedSection = after.text.slice(after.text.indexOf('class="voice linked-case"'));
    expect(linkedSection).toContain('LINKED-ADDITION-5120');
  });

  it('when the addition names a case that is not one started from this one, then it comes back with the message beside the choice, the text kept, and nothing stored', async () => {
    const other = await newCase(app);
    const otherId = (await Case.findOne({ reference: other.reference }).lean())!._id.toString();
    const agent = browser(app);
    const fields = addFormFields((await lookUpOk(agent, original.code)).text);
    const refused = await agent.post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`).field('_csrf', fields.csrf).field('code', fields.code).field('to', otherId)
      .field('message', '这条补充不应存到别人的案件里。');
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('id="to-error">请选择要补充的反映。<');
    expect(refused.text).toContain('这条补充不应存到别人的案件里。');
    expect(await CaseMessage.countDocuments({ caseId: otherId })).toBe(0);
  });
});

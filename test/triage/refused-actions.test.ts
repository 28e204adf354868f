/**
 * A case action refused for what was typed comes back as the case page with
 * 422, the message beside the field and everything typed kept, and changes
 * nothing; a rule the form cannot know (an unknown case to link) likewise.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { CaseEvent } from '../../server/cases/case-event.model';
import { CaseMessage } from '../../server/cases/case-message.model';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, validReport } from '../helpers/reports';
import { createAccount, signIn } from '../staff/staff-helpers';

const app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
let reference: string;
let supervisor: ReturnType<typeof browser>;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const reporter = browser(app.app);
  await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
  reference = (await Case.findOne({}).lean())!.reference;
  supervisor = browser(app.app);
  await signIn(supervisor, await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: app.commissionPrivateKey }));
});
afterAll(dropTestDatabase);

async function stored() {
  const found = await Case.findOne({ reference }).lean();
  return JSON.stringify([found, await CaseEvent.countDocuments({}), await AuditEntry.countDocuments({ action: /^case\.(accepted|concluded|linked)$/ })]);
}

describe('refused case actions', () => {
  it('when a supervisor concludes without choosing an outcome, then the case page comes back with 422, the message beside the outcome, the summary and ticks kept, and nothing changed', async () => {
    const token = await csrfTokenFrom(supervisor, `/staff/cases/${reference}`);
    await supervisor.post(`/staff/cases/${reference}/accept`).type('form').send({ _csrf: token }).expect(303);
    const before = await stored();
    const summary = '经核实，窗口工作人员确有推诿行为，已约谈。';
    const page = await supervisor.post(`/staff/cases/${reference}/conclude`).type('form').send({ _csrf: token, summary, measures: ['talk', 'notice'] }).expect(422);
    expect(page.text).toContain('id="conclude-outcome-error"');
    expect(page.text).toContain('请选择核实结论');
    expect(page.text).toContain(`>${summary}</textarea>`);
    expect(page.text).toMatch(/id="measure-talk" name="measures" value="talk" checked/);
    expect(page.text).toMatch(/id="measure-notice" name="measures" value="notice" checked/);
    expect(page.text).not.toMatch(/id="measure-criticism" name="measures" value="criticism" checked/);
    expect(await stored()).toBe(before);
  });

  it('when a supervisor links a case that does not exist, then the message stands beside the reference field in English too, with the reference kept', async () => {
    const token = await csrfTokenFrom(supervisor, `/staff/cases/${reference}`);
    const before = await stored();
    const page = await supervisor.post(`/staff/cases/${reference}/link`).set('Cookie', 'qf_lang=en').type('form').send({ _csrf: token, reference: 'TZ-2026-99999' }).expect(422);
    expect(page.text).toContain('id="link-reference-error"');
    expect(page.text).toContain('There is no case with this reference');
    expect(page.text).toContain('value="TZ-2026-99999"');
    expect(await stored()).toBe(before);
  });

  it('when an action form carries a field our page never sends, then it is refused as tampering (400) and nothing changes', async () => {
    const token = await csrfTokenFrom(supervisor, `/staff/cases/${reference}`);
    const before = await stored();
    await supervisor.post(`/staff/cases/${reference}/note`).type('form').send({ _csrf: token, text: '内部备注', status: 'closed' }).expect(400);
    expect(await stored()).toBe(before);
  });

  it('when a case is closed, then the page offers no action and a note posted anyway is refused with 409, storing nothing', async () => {
    const token = await csrfTokenFrom(supervisor, `/staff/cases/${reference}`);
    await supervisor.post(`/staff/cases/${reference}/conclude`).type('form').send({ _csrf: token, outcome: 'substantiated', summary: '属实，已处理。' }).expect(303);
    await supervisor.post(`/staff/cases/${reference}/close`).type('form').send({ _csrf: token }).expect(303);
    const page = await supervisor.get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).not.toContain(`action="/staff/cases/${reference}/note"`);
    const messages = await CaseMessage.countDocuments({});
    await supervisor.post(`/staff/cases/${reference}/note`).type('form').send({ _csrf: token, text: '结案后的备注' }).expect(409);
    expect(await CaseMessage.countDocuments({})).toBe(messages);
  });
});

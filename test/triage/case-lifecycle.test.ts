/**
 * The whole life of a case over HTTP: public submission, accept, assign,
 * ask for information, the reporter answers on /track, findings, conclude,
 * and the reporter sees the outcome — with the mail a reporter asked for.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, trackingCodeIn, validReport } from '../helpers/reports';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';
import { addFormFields, lookUpOk } from '../helpers/tracking';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';

let smtp: TestSmtpServer;
let app: ReturnType<typeof buildTestApp>;
const accounts: Record<string, TestAccount> = {};
let code: string;
let reference: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  smtp = await startSmtpServer();
  app = buildTestApp({ SMTP_URL: smtp.url, REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  staffAgent = signedInAgents(app.app, accounts);
  const key = app.commissionPrivateKey;
  accounts.intake = await createAccount(app.config, { roles: ['intake'], commissionPrivateKeyPem: key, name: '受理员' });
  accounts.handler = await createAccount(app.config, { roles: ['handler'], commissionPrivateKeyPem: key, name: '承办员' });
  accounts.otherHandler = await createAccount(app.config, { roles: ['handler'], commissionPrivateKeyPem: key });
  accounts.supervisor = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
  accounts.custodian = await createAccount(app.config, { roles: ['custodian'], commissionPrivateKeyPem: key, identityPrivateKeyPem: app.identityPrivateKey });
  accounts.admin = await createAccount(app.config, { roles: ['admin'], commissionPrivateKeyPem: key });

  const reporter = browser(app.app);
  const identity = { identityChoice: 'confidential', name: '钱某某', phone: '13900002222', email: 'qian.reporter@example.com', notifyByEmail: 'yes' };
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, ...identity }).expect(200);
  code = trackingCodeIn(page.text)!;
  reference = (await Case.findOne({}).lean())!.reference;
});
afterAll(async () => {
  await smtp.close();
  await dropTestDatabase();
});

// A TOTP code works once, so each account signs in once and its browser is reused (made in beforeAll, with the app).
let staffAgent: ReturnType<typeof signedInAgents>;

async function act(agent: ReturnType<typeof browser>, action: string, fields: Record<string, string | string[]> = {}, status = 303) {
  const token = await csrfTokenFrom(agent, '/staff');
  const response = await agent.post(`/staff/cases/${reference}/${action}`).type('form').send({ _csrf: token, ...fields });
  expect(response.status).toBe(status);
  return response;
}

describe('the life of a case', () => {
  it('when staff handle the case from intake to conclusion, then the reporter follows every step on /track and never sees staff names or notes', async () => {
    const intake = await staffAgent('intake');
    const queue = await intake.get('/staff/cases').expect(200);
    expect(queue.text).toContain(reference);
    expect(queue.text).not.toContain('钱某某');

    const casePage = await intake.get(`/staff/cases/${reference}`).expect(200);
    expect(casePage.text).toContain(validReport.description);
    expect(casePage.text).not.toContain('钱某某');
    expect(casePage.text).not.toContain('13900002222');

    await act(intake, 'accept');
    await act(intake, 'assign', { handlerId: accounts.handler.id });
    expect(await OutboxMail.countDocuments({ template: 'caseAssigned' })).toBe(1);

    const handler = await staffAgent('handler');
    await act(handler, 'investigate');
    await act(handler, 'request', { text: '请提供办理窗口的具体时间段。REQUEST-7781' });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].envelopeTo).toEqual(['qian.reporter@example.com']);
    expect(smtp.messages[0].raw).not.toContain('REQUEST-7781');
    expect(smtp.messages[0].raw).not.toContain(reference);
    expect(await OutboxMail.countDocuments({ to: 'qian.reporter@example.com' })).toBe(0);
    await act(handler, 'note', { text: '内部：联系窗口负责人核实。NOTE-5512' });

    const reporter = browser(app.app);
    const trackPage = await lookUpOk(reporter, code);
    expect(trackPage.text).toContain('调查核实中');
    expect(trackPage.text).toContain('REQUEST-7781');
    expect(trackPage.text).not.toContain('NOTE-5512');
    expect(trackPage.text).not.toContain('承办员');
    const fields = addFormFields(trackPage.text);
    await reporter.post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`).field('_csrf', fields.csrf).field('code', fields.code).field('message', '时间是11月3日上午十点左右。ANSWER-3391').expect(303);
    expect((await handler.get(`/staff/cases/${reference}`).expect(200)).text).toContain('ANSWER-3391');

    await act(handler, 'findings', { text: '经核实，情况属实。' });
    const supervisor = await staffAgent('supervisor');
    await act(supervisor, 'conclude', { outcome: 'substantiated', measures: ['talk', 'criticism'], summary: '已对相关人员谈话提醒并批评教育。SUMMARY-8830' });

    const final = await lookUpOk(browser(app.app), code);
    expect(final.text).toContain('已办结');
    expect(final.text).toContain('反映属实');
    expect(final.text).toContain('SUMMARY-8830');

    const stored = await Case.findOne({ reference }).lean();
    expect(stored).toEqual(expect.objectContaining({ status: 'concluded', outcome: 'substantiated', measures: ['talk', 'criticism'] }));
    expect(stored!.workingDaysToAcceptance).toBe(0);
    expect(stored!.concludedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const actions = (await AuditEntry.find({ caseRef: reference }).lean()).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['case.viewed', 'case.accepted', 'case.assigned', 'case.investigating', 'case.request', 'case.note', 'case.findings', 'case.concluded']));
    expect(JSON.stringify(await AuditEntry.find({}).lean())).not.toMatch(/NOTE-5512|REQUEST-7781|钱某某|qian\.reporter/);
  });
});

describe('refusals', () => {
  it('when a handler opens or acts on a case assigned to someone else, then it is refused with 403', async () => {
    const other = await staffAgent('otherHandler');
    await other.get(`/staff/cases/${reference}`).expect(403);
    const token = await csrfTokenFrom(other, '/staff');
    await other.post(`/staff/cases/${reference}/note`).type('form').send({ _csrf: token, text: '不该成功的备注' }).expect(403);
    expect((await other.get('/staff/cases').expect(200)).text).not.toContain(reference);
  });

  it("when a handler filters the queue by a colleague's name, then the colleague's cases still stay hidden", async () => {
    const other = await staffAgent('otherHandler');
    expect((await other.get(`/staff/cases?assignee=${accounts.handler.id}`).expect(200)).text).not.toContain(reference);
    expect((await other.get('/staff/cases?assignee=none').expect(200)).text).not.toContain(reference);
  });

  it('when an administrator without a case role opens the queue or a case, then it is refused with 403', async () => {
    const admin = await staffAgent('admin');
    await admin.get('/staff/cases').expect(403);
    await admin.get(`/staff/cases/${reference}`).expect(403);
  });

  it('when an intake officer tries to conclude, or anyone makes a move the stage does not allow, then it is refused', async () => {
    const intake = await staffAgent('intake');
    const token = await csrfTokenFrom(intake, '/staff');
    await intake.post(`/staff/cases/${reference}/conclude`).type('form').send({ _csrf: token, outcome: 'notSubstantiated', summary: '越权' }).expect(403);
    const supervisor = await staffAgent('supervisor');
    const supervisorToken = await csrfTokenFrom(supervisor, '/staff');
    await supervisor.post(`/staff/cases/${reference}/accept`).type('form').send({ _csrf: supervisorToken }).expect(409);
  });

  it('when someone who is not an identity custodian asks for the identity, then it is refused; when the custodian gives a reason, then it is shown and audited', async () => {
    const supervisor = await staffAgent('supervisor');
    await supervisor.get(`/staff/cases/${reference}/identity`).expect(403);
    const custodian = await staffAgent('custodian');
    await custodian.get(`/staff/cases/${reference}`).expect(403);
    const token = await csrfTokenFrom(custodian, `/staff/cases/${reference}/identity`);
    const refused = await custodian.post(`/staff/cases/${reference}/identity`).type('form').send({ _csrf: token, reason: '短' }).expect(422);
    expect(refused.text).not.toContain('钱某某');
    const reason = '核实举报人身份以便当面了解情况';
    const opened = await custodian.post(`/staff/cases/${reference}/identity`).type('form').send({ _csrf: token, reason, password: accounts.custodian.password }).expect(200);
    expect(opened.text).toContain('钱某某');
    expect(opened.text).toContain('13900002222');
    const entry = await AuditEntry.findOne({ action: 'identity.opened', caseRef: reference }).lean();
    expect(entry!.actor).toBe(accounts.custodian.id);
    expect((entry!.details as Record<string, unknown>).reason).toBe(reason);
    expect(JSON.stringify(entry)).not.toContain('钱某某');
  });

  it('when a report concerns the commission\'s own staff, then only supervisors see it', async () => {
    const reporter = browser(app.app);
    await postReport(reporter, await openReportForm(reporter), { ...validReport, concernsCommission: 'yes' }).expect(200);
    const sensitive = (await Case.findOne({ concernsCommission: true }).lean())!.reference;
    const intake = await staffAgent('intake');
    await intake.get(`/staff/cases/${sensitive}`).expect(403);
    expect((await intake.get('/staff/cases').expect(200)).text).not.toContain(sensitive);
    const supervisor = await staffAgent('supervisor');
    expect((await supervisor.get('/staff/cases').expect(200)).text).toContain(sensitive);
    await supervisor.get(`/staff/cases/${sensitive}`).expect(200);
  });

  it('when nobody is signed in, then the queue sends them to sign in', async () => {
    const anonymous = await browser(app.app).get('/staff/cases');
    expect(anonymous.headers.location).toBe('/staff');
  });
});

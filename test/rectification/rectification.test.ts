/**
 * Rectification by units over HTTP against the real database: a supervisor
 * opens items from a substantiated case; the unit's liaison sees them and
 * nothing else (403 on cases, identities, the queue, the report, another
 * unit); answers with a photo (stored cleaned and sealed); the commission
 * sends back (reason required) and verifies; lights, digest, monthly table,
 * the reporter's 整改中 / 已整改, the problem list and its CSV.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { Case } from '../../server/cases/case.model';
import { generateCommissionKeyPair } from '../../server/cases/sealing/commission-key';
import { rotateCaseKeys } from '../../server/key-rotation/rotate-case-keys.service';
import { openFile } from '../../server/rectification/rectification-files.service';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { renderMail } from '../../server/notifications/mail-templates';
import { RectificationFile, RectificationItem } from '../../server/rectification/rectification-item.model';
import { rectificationFiguresByUnit } from '../../server/rectification/rectification-figures';
import { openItem } from '../../server/rectification/rectification-steps.service';
import { Staff } from '../../server/staff/staff.model';
import { digestFor } from '../../server/triage/daily-digest.service';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase } from '../helpers/reports';
import { lookUpOk } from '../helpers/tracking';
import { PLANTED, containsText, jpegWithEverything } from '../cases/evidence/evidence-fixtures';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { text } from '../oversight/oversight-fixtures';
import { conclude, createLiaison, reportedCase } from './rectification-fixtures';
import type request from 'supertest';

let app: ReturnType<typeof buildTestApp>;
let staffAgent: ReturnType<typeof signedInAgents>;
const accounts: Record<string, TestAccount> = {};
const today = chinaDateOf(new Date());
const month = today.slice(0, 7);
let substantiated: { code: string; reference: string; caseId: string };
let notSubstantiated: { reference: string };
let itemId: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100', REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100' });
  staffAgent = signedInAgents(app.app, accounts);
  const key = app.commissionPrivateKey;
  accounts.supervisor = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
  accounts.intake = await createAccount(app.config, { roles: ['intake'], commissionPrivateKeyPem: key });
  accounts.handler = await createAccount(app.config, { roles: ['handler'], commissionPrivateKeyPem: key });
  accounts.admin = await createAccount(app.config, { roles: ['admin'] });
  accounts.inspector = await createAccount(app.config, { roles: ['inspector'] });
  accounts.liaison = await createLiaison(app.config, 'xzspj');
  accounts.otherLiaison = await createLiaison(app.config, 'gaj');
  substantiated = await reportedCase(app.app, { description: '窗口工作人员推诿，群众多次往返仍未办成营业执照变更。REPORTER-WORDS-4417' });
  await conclude(await staffAgent('supervisor'), substantiated.reference, 'substantiated');
  notSubstantiated = await reportedCase(app.app);
  await conclude(await staffAgent('supervisor'), notSubstantiated.reference, 'notSubstantiated');
}, 60_000);
afterAll(dropTestDatabase);

async function post(agent: request.Agent, path: string, fields: Record<string, string | number>): Promise<request.Response> {
  const token = await csrfTokenFrom(agent, '/staff');
  return agent.post(path).type('form').send({ _csrf: token, ...fields });
}

async function answer(agent: request.Agent, id: string, text: string, photo?: Buffer): Promise<request.Response> {
  const token = await csrfTokenFrom(agent, '/staff');
  let call = agent.post(`/staff/rectification/items/${id}/answer?_csrf=${encodeURIComponent(token)}`).field('_csrf', token).field('text', text);
  if (photo) call = call.attach('evidence', photo, { filename: 'rules.jpg', contentType: 'image/jpeg' });
  return call;
}

const opening = { unit: 'xzspj', problem: '窗口办事群众反映首次咨询无人负责，多次往返。', measure: '建立首问负责制', workingDays: '20' };

describe('opening an item', () => {
  it('when a supervisor opens one with bad input, then 422 with each message beside its field, what was typed kept, nothing stored', async () => {
    const supervisor = await staffAgent('supervisor');
    const refused = await post(supervisor, '/staff/rectification/new', { reference: substantiated.reference, unit: 'nowhere', problem: '短', measure: '建立首问负责制 TYPED-2231', workingDays: '0' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('id="problem-error"');
    expect(refused.text).toContain('请填写存在问题（4至1000字）。');
    expect(refused.text).toContain('请填写整改期限，为1至250之间的整数个工作日。');
    expect(refused.text).toContain('TYPED-2231');
    const unknownUnit = await post(supervisor, '/staff/rectification/new', { reference: substantiated.reference, ...opening, unit: 'nowhere' });
    expect(unknownUnit.status).toBe(422);
    expect(unknownUnit.text).toContain('请从单位名录中选择责任单位。');
    expect(await RectificationItem.countDocuments()).toBe(0);
  });

  it('when the case was not substantiated, then no item can be opened from it (409), and a handler may not open one (403)', async () => {
    const supervisor = await staffAgent('supervisor');
    expect((await supervisor.get(`/staff/rectification/new?case=${notSubstantiated.reference}`)).status).toBe(409);
    expect((await post(supervisor, '/staff/rectification/new', { reference: notSubstantiated.reference, ...opening })).status).toBe(409);
    expect((await (await staffAgent('handler')).get(`/staff/rectification/new?case=${substantiated.reference}`)).status).toBe(403);
    expect((await post(await staffAgent('intake'), '/staff/rectification/new', { reference: substantiated.reference, ...opening })).status).toBe(403);
    expect(await RectificationItem.countDocuments()).toBe(0);
  });

  it('when a supervisor opens "建立首问负责制" for 区行政审批局 due in 20 working days, then it is stored with its due date and audited, and the case page links to the form', async () => {
    const supervisor = await staffAgent('supervisor');
    const casePage = await supervisor.get(`/staff/cases/${substantiated.reference}`).expect(200);
    expect(casePage.text).toContain(`/staff/rectification/new?case=${substantiated.reference}`);
    const form = await supervisor.get(`/staff/rectification/new?case=${substantiated.reference}`).expect(200);
    expect(form.text).toContain('<option value="xzspj" selected>区行政审批局</option>');
    const opened = await post(supervisor, '/staff/rectification/new', { reference: substantiated.reference, ...opening });
    expect(opened.status).toBe(303);
    itemId = /\/staff\/rectification\/items\/([0-9a-f]{24})\?done=opened/.exec(opened.headers.location)![1];
    const stored = await RectificationItem.findById(itemId).lean();
    expect(stored).toMatchObject({ unitCode: 'xzspj', measure: '建立首问负责制', workingDays: 20, openedDate: today, state: 'open', caseReference: substantiated.reference });
    expect(stored!.dueDate > today).toBe(true);
    expect(await AuditEntry.countDocuments({ action: 'rectification.opened', caseRef: substantiated.reference })).toBe(1);
  });
});

describe('the liaison', () => {
  it('when the liaison of 区行政审批局 signs in, then they see their unit\'s item, without the case\'s reference or the reporter\'s words', async () => {
    const liaison = await staffAgent('liaison');
    const dashboard = await liaison.get('/staff').expect(200);
    expect(dashboard.text).toContain('本单位问题清单');
    expect((await liaison.get('/staff/rectification')).headers.location).toBe('/staff/rectification/units/xzspj');
    const list = await liaison.get('/staff/rectification/units/xzspj').expect(200);
    expect(list.text).toContain('建立首问负责制');
    const item = await liaison.get(`/staff/rectification/items/${itemId}`).expect(200);
    for (const page of [list.text, item.text]) {
      expect(page).not.toContain(substantiated.reference);
      expect(page).not.toContain('REPORTER-WORDS-4417');
      expect(page).not.toContain('收到反映');
    }
    expect(item.text).toContain('报告整改完成');
  });

  it('when the liaison asks for a case, an identity, the queue, a report, the opening form or another unit, then 403 every time', async () => {
    const liaison = await staffAgent('liaison');
    for (const path of [
      `/staff/cases/${substantiated.reference}`, `/staff/cases/${substantiated.reference}/identity`, '/staff/identity', '/staff/cases',
      `/staff/reports/${month}`, '/staff/reports', `/staff/rectification/new?case=${substantiated.reference}`,
      '/staff/rectification/units/gaj', '/staff/rectification/units/gaj.csv',
    ]) {
      expect([path, (await liaison.get(path)).status]).toEqual([path, 403]);
    }
    expect((await (await staffAgent('otherLiaison')).get(`/staff/rectification/items/${itemId}`)).status).toBe(403);
    expect((await answer(await staffAgent('otherLiaison'), itemId, '越权答复其他单位的事项。')).status).toBe(403);
    expect((await post(liaison, `/staff/rectification/items/${itemId}/verify`, {})).status).toBe(403);
  });

  it('when the liaison answers without text, then 422 beside the field; with text and a GPS-tagged photo, then reported, the photo stored without GPS and sealed, audited', async () => {
    const liaison = await staffAgent('liaison');
    const refused = await answer(liaison, itemId, '');
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('id="text-error"');
    expect((await RectificationItem.findById(itemId).lean())!.state).toBe('open');

    const photo = await jpegWithEverything();
    const answered = await answer(liaison, itemId, '已制定首问负责制度并上墙公示。ANSWER-6610', photo);
    expect(answered.status).toBe(303);
    const stored = await RectificationItem.findById(itemId).lean();
    expect(stored).toMatchObject({ state: 'reported' });
    expect(stored!.answers[0].fileIds).toHaveLength(1);
    const file = await RectificationFile.findById(stored!.answers[0].fileIds[0]).lean();
    expect(file).toMatchObject({ type: 'jpeg', itemId });
    const dump = await dumpDatabase();
    expect(dump).not.toContain(PLANTED.gpsDatum);
    expect(dump).not.toContain(PLANTED.serial);
    expect(await AuditEntry.countDocuments({ action: 'rectification.answered', actor: accounts.liaison.id })).toBe(1);

    // The intake officer, key unlocked, opens the cleaned photo.
    const intake = await staffAgent('intake');
    const download = await intake.get(`/staff/rectification/items/${itemId}/files/${file!._id}`).buffer(true).expect(200);
    expect(download.headers['content-type']).toBe('image/jpeg');
    expect(containsText(download.body as Buffer, PLANTED.gpsDatum)).toBe(false);
    expect((await liaison.get(`/staff/rectification/items/${itemId}/files/${file!._id}`)).status).toBe(403);
  });
});

describe('verification', () => {
  it('when intake sends it back without a reason, then 422; with a reason, then it is open again and the liaison reads why; answered again and verified, it is closed on time', async () => {
    const intake = await staffAgent('intake');
    const refused = await post(intake, `/staff/rectification/items/${itemId}/send-back`, { reason: '' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('退回须说明理由（4至500字）。');
    expect((await RectificationItem.findById(itemId).lean())!.state).toBe('reported');

    expect((await post(intake, `/staff/rectification/items/${itemId}/send-back`, { reason: '未见制度文件的印发文号。SENDBACK-7001' })).status).toBe(303);
    const liaison = await staffAgent('liaison');
    expect((await liaison.get(`/staff/rectification/items/${itemId}`).expect(200)).text).toContain('SENDBACK-7001');
    expect((await answer(liaison, itemId, '已补充印发文号：通审〔2026〕12号。')).status).toBe(303);

    expect((await post(intake, `/staff/rectification/items/${itemId}/verify`, {})).status).toBe(303);
    expect(await RectificationItem.findById(itemId).lean()).toMatchObject({ state: 'verified', verifiedDate: today, closedOnTime: true, verifiedBy: accounts.intake.id });
    expect((await post(intake, `/staff/rectification/items/${itemId}/verify`, {})).status).toBe(409);
    const actions = (await AuditEntry.find({ action: /^rectification\./ }).lean()).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['rectification.opened', 'rectification.answered', 'rectification.sentBack', 'rectification.verified']));
  });

  it('when the reporter looks up their case, then they read 已整改 for the item and nothing of it', async () => {
    const page = await lookUpOk(browser(app.app), substantiated.code);
    expect(page.text).toContain('已整改');
    expect(page.text).not.toContain('整改中');
    expect(page.text).not.toContain('建立首问负责制');
    expect(page.text).not.toContain('区行政审批局问题清单');
  });
});

describe('overdue items and the figures', () => {
  let lateId: string;

  beforeAll(async () => {
    // Opened forty days ago with five working days: past its due date now.
    const supervisor = { id: accounts.supervisor.id, name: 's', roles: ['supervisor' as const], mustChangePassword: false, holdsKey: true };
    const opened = chinaDateOf(new Date(Date.now() - 40 * 86_400_000));
    lateId = await openItem(supervisor, { _csrf: 'x', reference: substantiated.reference, unit: 'xzspj', problem: '办事指南未及时更新。LATE-3301', measure: '更新全部办事指南', workingDays: 5 }, opened);
  });

  it('when an item is past its due date, then the dashboard and the overview show it red, and the digest counts it red', async () => {
    const supervisor = await staffAgent('supervisor');
    const dashboard = await supervisor.get('/staff').expect(200);
    expect(dashboard.text).toMatch(/rectification-red">[\s\S]*light-red[\s\S]*LATE-3301/);
    const overview = await supervisor.get('/staff/rectification').expect(200);
    expect(overview.text).toContain(`data-item="${lateId}"`);
    expect(overview.text).not.toContain(`data-item="${itemId}"`);
    const digest = await digestFor(today);
    expect(digest.rectification).toEqual({ green: 0, amber: 0, red: 1 });
    const mail = renderMail('dailyDigest', { publicUrl: 'https://qingfeng.example', date: today, ...digest }, 'zh');
    expect(mail.text).toContain('红灯（已超期）1 项');
    expect(mail.text).not.toContain('LATE-3301');
    expect(mail.text).not.toContain('区行政审批局');
  });

  it('when the month\'s report is read, then its rectification table shows 区行政审批局: 1 opened, 1 closed on time, 0 overdue, 1 sent back', async () => {
    const report = await (await staffAgent('supervisor')).get(`/staff/reports/${month}`).expect(200);
    const row = /<tr data-unit="xzspj">([\s\S]*?)<\/tr>/.exec(report.text)![1];
    expect([...row.matchAll(/<td class="num">(\d+)<\/td>/g)].map((match) => Number(match[1]))).toEqual([1, 1, 0, 1]);
    const figures = await rectificationFiguresByUnit([month, chinaDateOf(new Date(Date.now() - 40 * 86_400_000)).slice(0, 7)], today);
    expect(figures.get('xzspj')).toEqual({ unitCode: 'xzspj', opened: 2, closedOnTime: 1, overdue: 1, sentBack: 1 });
  });

  it('when a supervisor or the liaison downloads the problem list, then the CSV holds both items; the supervisor\'s page shows the unit\'s case figures', async () => {
    const supervisor = await staffAgent('supervisor');
    const page = await supervisor.get('/staff/rectification/units/xzspj').expect(200);
    expect(page.text).toContain('收到反映');
    expect(page.text).toContain('LATE-3301');
    for (const agent of [supervisor, await staffAgent('liaison')]) {
      const csv = await agent.get('/staff/rectification/units/xzspj.csv').expect(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.text).toContain('建立首问负责制');
      expect(csv.text).toContain('LATE-3301');
      expect(csv.text).toContain('整改到位');
    }
  });
});

describe('liaison accounts', () => {
  async function newAccount(fields: Record<string, string | string[]>): Promise<request.Response> {
    const admin = await staffAgent('admin');
    return post(admin, '/staff/admin/accounts', { name: '审批局联络员', email: `liaison-${Date.now()}-${Math.random()}@tongzhou.example`, ...fields } as Record<string, string>);
  }

  it('when an administrator makes a liaison without a unit, or with another role, then 422 beside the field, nothing stored; with a unit, then it is bound to it', async () => {
    const before = await Staff.countDocuments();
    const noUnit = await newAccount({ roles: 'liaison' });
    expect(noUnit.status).toBe(422);
    expect(noUnit.text).toContain('整改联络员须从单位名录中选择其所在单位。');
    const admin = await staffAgent('admin');
    const token = await csrfTokenFrom(admin, '/staff');
    const twoRoles = await admin.post('/staff/admin/accounts').type('form').send(`_csrf=${encodeURIComponent(token)}&name=x&email=two-${Date.now()}%40tongzhou.example&roles=liaison&roles=handler&unit=xzspj`);
    expect(twoRoles.status).toBe(422);
    expect(twoRoles.text).toContain('整改联络员角色不能与其他角色同时授予。');
    expect(await Staff.countDocuments()).toBe(before);
    const made = await newAccount({ roles: 'liaison', unit: 'xzspj' });
    expect(made.status).toBe(201);
    const stored = await Staff.findOne({ name: '审批局联络员' }).lean();
    expect(stored).toMatchObject({ roles: ['liaison'], unitCode: 'xzspj' });
  });

  it('when an administrator makes an existing account a liaison on its page, then the unit is needed and stored; the liaison sees that unit only', async () => {
    const target = await createAccount(app.config, { roles: ['handler'] });
    const admin = await staffAgent('admin');
    const refused = await post(admin, `/staff/admin/accounts/${target.id}/roles`, { roles: 'liaison' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('id="unit-error"');
    expect(await Staff.findById(target.id).lean()).toMatchObject({ roles: ['handler'] });
    expect((await post(admin, `/staff/admin/accounts/${target.id}/roles`, { roles: 'liaison', unit: 'gaj' })).status).toBe(303);
    expect(await Staff.findById(target.id).lean()).toMatchObject({ roles: ['liaison'], unitCode: 'gaj' });
    expect(await AuditEntry.countDocuments({ action: 'account.rolesChanged', 'details.unit': 'gaj' })).toBe(1);
    // The account page names the unit in the page's language (found in review: it showed the code, with Chinese brackets in English).
    expect(text((await admin.get(`/staff/admin/accounts/${target.id}`).expect(200)).text)).toContain('（联络单位：区公安局）');
    const english = text((await admin.get(`/staff/admin/accounts/${target.id}`).set('Cookie', 'qf_lang=en').expect(200)).text);
    expect(english).toContain("(liaison's unit: District Public Security Bureau)");
    expect(english).not.toContain('（');
  });
});

describe('an item from an inspection finding', () => {
  it('when the inspection group records a finding, then a supervisor may open an item from it before any conclusion', async () => {
    const inspector = await staffAgent('inspector');
    const form = await inspector.get('/staff/inspection/new').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const formToken = /name="formToken" value="([^"]+)"/.exec(form.text)![1];
    let call = inspector.post(`/staff/inspection/new?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf).field('formToken', formToken);
    const finding = { findingDate: today, method: 'unannounced', unit: 'gaj', place: '户籍窗口', category: 'shirking', seen: '窗口工作人员以系统故障为由拒绝受理，群众等候一小时无人解释。', officials: '' };
    for (const [name, value] of Object.entries(finding)) call = call.field(name, value);
    expect((await call).status).toBe(303);
    const reference = (await Case.findOne({ channel: 'inspection' }).lean())!.reference;
    const supervisor = await staffAgent('supervisor');
    expect((await supervisor.get(`/staff/rectification/new?case=${reference}`)).status).toBe(200);
    const opened = await post(supervisor, '/staff/rectification/new', { reference, unit: 'gaj', problem: '户籍窗口以系统故障为由拒绝受理。', measure: '建立系统故障应急受理机制', workingDays: '10' });
    expect(opened.status).toBe(303);
    expect(await RectificationItem.findOne({ caseReference: reference }).lean()).toMatchObject({ source: 'inspection', unitCode: 'gaj' });
    const otherLiaison = await staffAgent('otherLiaison');
    expect((await otherLiaison.get('/staff/rectification/units/gaj').expect(200)).text).toContain('建立系统故障应急受理机制');
    expect((await otherLiaison.get('/staff/rectification/units/xzspj')).status).toBe(403);
  });
});

describe('key rotation', () => {
  it('when the commission key is rotated, then a unit\'s evidence file opens with the new key and no longer with the old', async () => {
    const file = (await RectificationFile.findOne({ itemId }).lean())!;
    const next = generateCommissionKeyPair();
    await rotateCaseKeys('commission', app.commissionPrivateKey, next.privateKeyPem);
    expect((await openFile(itemId, file._id, next.privateKeyPem))!.mimeType).toBe('image/jpeg');
    await expect(openFile(itemId, file._id, app.commissionPrivateKey)).rejects.toThrow();
  });
});

describe('cases kept to supervisors, and purged cases (found in review)', () => {
  it('when an item comes from a retaliation case, then intake sees the item without the case\'s reference, while a supervisor sees it; a purged case opens no item (409)', async () => {
    const supervisor = await staffAgent('supervisor');
    const kept = await reportedCase(app.app);
    await conclude(supervisor, kept.reference, 'substantiated');
    await Case.updateOne({ reference: kept.reference }, { $set: { supervisorsOnly: true } });
    const opened = await post(supervisor, '/staff/rectification/new', { reference: kept.reference, ...opening, unit: 'fgw' });
    expect(opened.status).toBe(303);
    const keptItem = /\/staff\/rectification\/items\/([0-9a-f]{24})/.exec(opened.headers.location)![1];
    expect((await supervisor.get(`/staff/rectification/items/${keptItem}`).expect(200)).text).toContain(kept.reference);
    const asIntake = await (await staffAgent('intake')).get(`/staff/rectification/items/${keptItem}`).expect(200);
    expect(asIntake.text).toContain(opening.problem);
    expect(asIntake.text).not.toContain(kept.reference);

    const purged = await reportedCase(app.app);
    await conclude(supervisor, purged.reference, 'substantiated');
    await Case.updateOne({ reference: purged.reference }, { $set: { purgedDate: today } });
    expect((await supervisor.get(`/staff/rectification/new?case=${purged.reference}`)).status).toBe(409);
    expect((await post(supervisor, '/staff/rectification/new', { reference: purged.reference, ...opening })).status).toBe(409);
  });
});

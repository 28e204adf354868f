/**
 * The inspection group's findings over HTTP against the real database: an
 * inspector records an unannounced visit with a photo carrying GPS data; the
 * finding is a case in the queue marked 暗访, its photo stored without the
 * GPS data, counted in the month's report under inspection with a link;
 * the inspector sees their own findings only, never the queue or a case.
 */
import sharp from 'sharp';
import { AuditEntry } from '../../server/audit/audit.model';
import { Case } from '../../server/cases/case.model';
import { CaseLocator } from '../../server/cases/case-locator.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase } from '../helpers/reports';
import { PLANTED, containsText, jpegWithEverything } from '../cases/evidence/evidence-fixtures';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import type request from 'supertest';
import { grantsApproverRole, isGuardedAccount, mixesAdminAndCaseRoles } from '../../server/staff/duties';

let app: ReturnType<typeof buildTestApp>;
let staffAgent: ReturnType<typeof signedInAgents>;
const accounts: Record<string, TestAccount> = {};
const today = chinaDateOf(new Date());
const finding = {
  findingDate: today,
  method: 'unannounced',
  unit: 'xzspj',
  place: '区政务服务中心二楼窗口 PLACE-5512',
  category: 'favours',
  seen: '上午十点窗口无人值守，群众排队四十分钟，工作人员在休息室玩手机。SEEN-8830',
  officials: '窗口负责人王某 OFFICIAL-1904',
};

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  staffAgent = signedInAgents(app.app, accounts);
  const key = app.commissionPrivateKey;
  accounts.inspector = await createAccount(app.config, { roles: ['inspector'] });
  accounts.otherInspector = await createAccount(app.config, { roles: ['inspector'] });
  accounts.supervisor = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
});
afterAll(dropTestDatabase);

async function openFindingForm(agent: request.Agent): Promise<{ csrf: string; formToken: string }> {
  const page = await agent.get('/staff/inspection/new').expect(200);
  return { csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1], formToken: /name="formToken" value="([^"]+)"/.exec(page.text)![1] };
}

function postFinding(agent: request.Agent, form: { csrf: string; formToken: string }, fields: Record<string, string>, photo?: Buffer): request.Test {
  let call = agent.post(`/staff/inspection/new?_csrf=${encodeURIComponent(form.csrf)}`).field('_csrf', form.csrf).field('formToken', form.formToken);
  for (const [name, value] of Object.entries(fields)) call = call.field(name, value);
  if (photo) call = call.attach('evidence', photo, { filename: 'visit.jpg', contentType: 'image/jpeg' });
  return call;
}

describe('an unannounced visit', () => {
  let reference: string;

  it('when an inspector records it with a GPS-tagged photo, then it is saved (303), listed as theirs with its stage, a case with no code, and audited', async () => {
    const inspector = await staffAgent('inspector');
    const photo = await jpegWithEverything();
    expect(containsText(photo, PLANTED.gpsDatum)).toBe(true);
    const saved = await postFinding(inspector, await openFindingForm(inspector), finding, photo).expect(303);
    expect(saved.headers.location).toBe('/staff/inspection?done=recorded');
    const stored = await Case.findOne({ channel: 'inspection' }).lean();
    expect(stored).toMatchObject({ inspectionMethod: 'unannounced', receivedDate: today, hasIdentity: false, status: 'new', attachmentCount: 1, reporterType: 'undisclosed' });
    reference = stored!.reference;
    const list = await inspector.get('/staff/inspection').expect(200);
    expect(list.text).toContain(reference);
    expect(list.text).toContain('暗访');
    expect(list.text).toContain('待受理');
    const other = await (await staffAgent('otherInspector')).get('/staff/inspection').expect(200);
    expect(other.text).not.toContain(reference);
    const audit = await AuditEntry.find({ action: 'finding.recorded' }).lean();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: accounts.inspector.id, caseRef: reference, details: { method: 'unannounced' } });
  });

  it('when the supervisor opens the queue and the photo, then the case is marked 暗访 and the photo holds no GPS data', async () => {
    const supervisor = await staffAgent('supervisor');
    const queue = await supervisor.get('/staff/cases').expect(200);
    const row = queue.text.split('<tr').find((part) => part.includes(reference))!;
    expect(row).toContain('暗访');
    const page = await supervisor.get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).toContain('SEEN-8830');
    expect(page.text).toContain('明察暗访 · 暗访');
    const fileLink = new RegExp(`/staff/cases/${reference}/files/([0-9a-f]{24})`).exec(page.text)![0];
    const file = await supervisor.get(fileLink).buffer(true).parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    const bytes = file.body as Buffer;
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    expect(containsText(bytes, PLANTED.gpsDatum)).toBe(false);
    expect(containsText(bytes, 'GPS')).toBe(false);
  });

  it('when the database is dumped, then neither what was seen, the place nor the officials are in clear, and no tracking code leads to it', async () => {
    const dump = await dumpDatabase();
    for (const marker of ['SEEN-8830', 'PLACE-5512', 'OFFICIAL-1904']) expect(dump).not.toContain(marker);
    const stored = await Case.findOne({ reference }).lean();
    // The form's locator claim is the only path from a code to a case; its code is never shown to anyone.
    const claims = await CaseLocator.find({ caseId: stored!._id }).lean();
    expect(claims.length).toBeLessThanOrEqual(1);
  });

  it('when the month\'s report is opened, then it counts one finding, awaiting a decision, linked to the inspection cases', async () => {
    const month = today.slice(0, 7);
    const report = await (await staffAgent('supervisor')).get(`/staff/reports/${month}`).expect(200);
    expect(report.text).toContain('明察暗访发现问题');
    expect(report.text).toMatch(new RegExp(`href="/staff/cases\\?month&#x3D;${month}&amp;channel&#x3D;inspection">1<`));
    expect(report.text).toMatch(new RegExp(`href="/staff/cases\\?month&#x3D;${month}&amp;channel&#x3D;inspection&amp;status&#x3D;new">1<`));
    expect(report.text).toMatch(new RegExp(`href="/staff/cases\\?month&#x3D;${month}&amp;source&#x3D;public">0<`));
    const linked = await (await staffAgent('supervisor')).get(`/staff/cases?month=${month}&channel=inspection`).expect(200);
    expect(linked.text).toContain(reference);
  });

  it('when the inspector opens the queue, a case page or the monthly report, then 403', async () => {
    const inspector = await staffAgent('inspector');
    await inspector.get('/staff/cases').expect(403);
    await inspector.get(`/staff/cases/${reference}`).expect(403);
    await inspector.get(`/staff/reports/${today.slice(0, 7)}`).expect(403);
  });
});

describe('refusals', () => {
  it('when the date is in the future, the method is missing and the text too short, then 422 beside each field with the text kept, and nothing is stored', async () => {
    const inspector = await staffAgent('inspector');
    const before = await Case.countDocuments();
    const tomorrow = chinaDateOf(new Date(Date.now() + 86_400_000));
    const refused = await postFinding(inspector, await openFindingForm(inspector), { ...finding, findingDate: tomorrow, method: '', seen: '太短 SHORT-1' }).expect(422);
    for (const field of ['findingDate', 'method', 'seen']) expect(refused.text).toContain(`id="${field}-error"`);
    expect(refused.text).toContain('请填写发现日期');
    expect(refused.text).toContain('太短 SHORT-1');
    expect(refused.text).toContain('PLACE-5512');
    const unknownUnit = await postFinding(inspector, await openFindingForm(inspector), { ...finding, unit: 'no-such-unit' }).expect(422);
    expect(unknownUnit.text).toContain('id="unit-error"');
    expect(await Case.countDocuments()).toBe(before);
  });

  it('when a supervisor (not an inspector) opens the finding form, then 403', async () => {
    await (await staffAgent('supervisor')).get('/staff/inspection/new').expect(403);
  });
});

describe('the inspector role among the duties', () => {
  it('when an inspector account is reset or combined with admin, then it is guarded like a case role', () => {
    expect(isGuardedAccount({ roles: ['inspector'], holdsKey: false })).toBe(true);
    expect(mixesAdminAndCaseRoles(['admin', 'inspector'])).toBe(true);
    expect(grantsApproverRole([], ['inspector'])).toBe(false);
  });
});

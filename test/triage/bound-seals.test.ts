/**
 * Someone who can write to the database, but holds no key, changes a clear
 * field that decides who reads a sealed box: a note made to look like a
 * reply, a decline's reason made to look like a conclusion, a case about the
 * commission itself made to look ordinary. Each is detected where the box is
 * opened, and the content is shown to no one under the meaning it was given.
 */
import { Case } from '../../server/cases/case.model';
import { CaseEvent } from '../../server/cases/case-event.model';
import { caseDataKey } from '../../server/cases/case-content.service';
import { CaseMessage } from '../../server/cases/case-message.model';
import { enterCaseItem } from '../../server/cases/case-items.service';
import { sealContext, type CaseDocument } from '../../server/cases/case.model';
import { sealJson } from '../../server/cases/sealing/content-box';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { Types } from 'mongoose';
import sharp from 'sharp';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOfPage, trackingCodeIn, validReport } from '../helpers/reports';
import { addFormFields, lookUpOk } from '../helpers/tracking';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';

const app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
const t = translator('zh');
const accounts: Record<string, TestAccount> = {};

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const key = app.commissionPrivateKey;
  accounts.intake = await createAccount(app.config, { roles: ['intake'], commissionPrivateKeyPem: key });
  accounts.supervisor = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
});
afterAll(dropTestDatabase);

const staffAgent = signedInAgents(app.app, accounts);

async function report(fields: Record<string, string> = {}): Promise<{ code: string; reference: string }> {
  const reporter = browser(app.app);
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, ...fields }).expect(200);
  return { code: trackingCodeIn(page.text)!, reference: (await storedCaseOfPage(page.text))!.reference };
}

async function act(name: string, reference: string, action: string, fields: Record<string, string | string[]> = {}) {
  const agent = await staffAgent(name);
  const token = await csrfTokenFrom(agent, '/staff');
  await agent.post(`/staff/cases/${reference}/${action}`).type('form').send({ _csrf: token, ...fields }).expect(303);
}

describe('clear fields bound to what they decide', () => {
  it('when an internal note is flipped to a reply in the database, then the reporter does not see it and the case page says it may have been tampered with', async () => {
    const { code, reference } = await report();
    await act('intake', reference, 'accept');
    await act('supervisor', reference, 'investigate');
    await act('supervisor', reference, 'note', { text: '内部：被反映人是科长的亲属。NOTE-4417' });
    await act('supervisor', reference, 'reply', { text: '您反映的问题正在核实中。REPLY-2290' });
    const caseId = (await Case.findOne({ reference }).lean())!._id;
    expect((await CaseMessage.updateOne({ caseId, type: 'note' }, { $set: { type: 'reply' } })).modifiedCount).toBe(1);

    const tracked = await lookUpOk(browser(app.app), code);
    expect(tracked.text).toContain('REPLY-2290');
    expect(tracked.text).not.toContain('NOTE-4417');
    const page = await (await staffAgent('supervisor')).get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).toContain(t('triage.case.itemTampered'));
    expect(page.text).not.toContain('NOTE-4417');
    expect(page.text).toContain('REPLY-2290');
  });

  it('when a decline is made to look like a conclusion in the database, then its reason is shown to no one as a conclusion', async () => {
    const { code, reference } = await report();
    await act('intake', reference, 'decline', { reason: '不属于本机关受理范围。REASON-6021' });
    const caseId = (await Case.findOne({ reference }).lean())!._id;
    expect((await CaseEvent.updateOne({ caseId, type: 'declined' }, { $set: { type: 'concluded' } })).modifiedCount).toBe(1);

    expect((await lookUpOk(browser(app.app), code)).text).not.toContain('REASON-6021');
    const page = await (await staffAgent('supervisor')).get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).toContain(t('triage.case.itemTampered'));
    expect(page.text).not.toContain('REASON-6021');
  });

  it('when a case about the commission itself is made to look ordinary, then intake, who now may open it, is warned and sees none of its content: no report, no addition, no file', async () => {
    const description = '区纪委监委某工作人员在督查中接受宴请，违反中央八项规定精神。UNIQUE-9914';
    const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#224466' } }).jpeg().toBuffer();
    const reporter = browser(app.app);
    const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, concernsCommission: 'yes', description }, [{ bytes: photo, filename: 'p.jpg', contentType: 'image/jpeg' }]).expect(200);
    const reference = (await storedCaseOfPage(page.text))!.reference;
    const follower = browser(app.app);
    const fields = addFormFields((await lookUpOk(follower, trackingCodeIn(page.text)!)).text);
    await follower.post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`).field('_csrf', fields.csrf).field('code', fields.code).field('message', '补充：宴请地点在某酒店。ADDITION-5151').expect(303);
    await (await staffAgent('intake')).get(`/staff/cases/${reference}`).expect(403);
    await Case.updateOne({ reference }, { $set: { concernsCommission: false } });

    const intake = await staffAgent('intake');
    const casePage = await intake.get(`/staff/cases/${reference}`).expect(200);
    expect(casePage.text).toContain(t('triage.case.reportTampered'));
    expect(casePage.text).not.toContain('UNIQUE-9914');
    expect(casePage.text).not.toContain('ADDITION-5151');
    expect(casePage.text).not.toContain(`/staff/cases/${reference}/files/`);
    const fileId = String((await Case.findOne({ reference }).lean())!.attachmentIds[0]);
    await intake.get(`/staff/cases/${reference}/files/${fileId}`).expect(404);
  });

  it('when a message was sealed before clear fields were bound, then it still opens', async () => {
    const { reference } = await report();
    const stored = (await Case.findOne({ reference }).lean<CaseDocument>())!;
    const dataKey = caseDataKey(stored, app.commissionPrivateKey);
    const _id = new Types.ObjectId();
    await enterCaseItem(stored._id, { kind: 'message', itemId: _id, at: new Date() });
    const sealedBody = sealJson(dataKey, { text: '旧格式的内部备注。OLD-3308' }, sealContext.message(String(stored._id), String(_id)));
    await CaseMessage.collection.insertOne({ _id, caseId: stored._id, from: 'commission', type: 'note', authorId: null, at: new Date(), sealedBody, attachmentIds: [] });

    const page = await (await staffAgent('supervisor')).get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).toContain('OLD-3308');
    expect(page.text).not.toContain(t('triage.case.itemTampered'));
  });
});

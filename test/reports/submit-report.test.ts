import mongoose, { Types } from 'mongoose';
import sharp from 'sharp';
import { Case } from '../../server/cases/case.model';
import { CaseLocator } from '../../server/cases/case-locator.model';
import { deriveCaseTrackingKeys } from '../../server/cases/sealing/tracking-code';
import { codeMaterialForToken, formTokenKeys } from '../../server/reports/form-token';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { countDocuments, dumpDatabase, openReportForm, postReport, storedCaseOf, trackingCodeIn, validReport } from '../helpers/reports';
import { lookUpOk } from '../helpers/tracking';

const { app, config } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000' });

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
});
afterAll(dropTestDatabase);

describe('the form token belongs to the browser that loaded the form', () => {
  it('when another browser sends the form with a copied token, before or after the case exists, then it is refused like an expired form, gets no code and stores nothing', async () => {
    const reporter = browser(app);
    const form = await openReportForm(reporter);
    const stranger = browser(app);
    const strangersForm = await openReportForm(stranger);
    const copied = { ...strangersForm, formToken: form.formToken };

    const before = await Case.countDocuments();
    const early = await postReport(stranger, copied, validReport).expect(422);
    expect(early.text).toContain('此表单已过期');
    expect(trackingCodeIn(early.text)).toBeUndefined();
    expect(await Case.countDocuments()).toBe(before);

    const code = trackingCodeIn((await postReport(reporter, form, validReport).expect(200)).text)!;
    expect(code).toMatch(/^\d{20}$/);
    const late = await postReport(stranger, copied, validReport).expect(422);
    expect(trackingCodeIn(late.text)).toBeUndefined();
    expect(late.text).not.toContain(code.slice(0, 4) + '</span>');
    expect(await Case.countDocuments()).toBe(before + 1);
  });
});

describe('submitting a report', () => {
  it('when a resident submits the form anonymously, then a 20-digit code is shown once and the case is queued as new', async () => {
    const agent = browser(app);
    const form = await openReportForm(agent);
    const page = await postReport(agent, form, { ...validReport, reporterType: 'resident' }).expect(200);
    const code = trackingCodeIn(page.text);
    expect(code).toMatch(/^\d{20}$/);
    expect(page.text).toContain('请立即抄写或打印保存');
    const stored = await storedCaseOf(code);
    expect(stored).toEqual(expect.objectContaining({ status: 'new', kind: 'complaint', reporterType: 'resident', unitCode: 'xzspj', categoryCode: 'favours', hasIdentity: false }));
    expect(stored!.reference).toMatch(/^TZ-20\d\d-\d{5}$/);
    expect(stored!.acceptDueDate > stored!.receivedDate).toBe(true);
  });

  it('when a business gives its details in confidence, then a dump of every collection holds none of them, nor the text, the code or the file in clear', async () => {
    const agent = browser(app);
    const form = await openReportForm(agent);
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c0ffee' } }).jpeg().toBuffer();
    const identity = { identityChoice: 'confidential', name: '王秘密', phone: '13912345678', email: 'wang.secret@example.com', companyName: '通州秘密建材有限公司', creditCode: '91320612MA1XXXXX0Y' };
    const description = '独特的描述文本：审批科长索要两条香烟，编号UNIQUE-DESCRIPTION-7731。';
    const page = await postReport(agent, form, { ...validReport, ...identity, description }, [{ bytes: photo, filename: 'IMG_0001-secret-name.jpg', contentType: 'image/jpeg' }]).expect(200);
    const code = trackingCodeIn(page.text)!;
    expect(code).toBeDefined();

    const dump = await dumpDatabase();
    for (const secret of [...Object.values(identity).slice(1), description, 'UNIQUE-DESCRIPTION-7731', code, 'IMG_0001-secret-name']) {
      expect(dump).not.toContain(secret);
    }
    const stored = await Case.findOne({ hasIdentity: true }).lean();
    expect(stored!.attachmentCount).toBe(1);
    const attachment = await mongoose.connection.db!.collection('attachments').findOne({ caseId: stored!._id });
    expect(Buffer.from(attachment!.sealedBytes.buffer).includes(photo.subarray(0, 64))).toBe(false);
  });

  it('when the same form is submitted twice (refresh, double click), then one case exists and both answers show the same code', async () => {
    const agent = browser(app);
    const form = await openReportForm(agent);
    const before = (await countDocuments()).cases ?? 0;
    const [first, second] = await Promise.all([postReport(agent, form, validReport), postReport(agent, form, validReport)]);
    const again = await postReport(agent, form, validReport);
    expect([first.status, second.status, again.status]).toEqual([200, 200, 200]);
    const codes = [first, second, again].map((response) => trackingCodeIn(response.text));
    expect(codes[0]).toMatch(/^\d{20}$/);
    expect(new Set(codes).size).toBe(1);
    expect((await countDocuments()).cases).toBe(before + 1);
  });

  it('when a case is stored, then the first six digits of its code find it by _id (the one lookup FerretDB indexes)', async () => {
    const agent = browser(app);
    const code = trackingCodeIn((await postReport(agent, await openReportForm(agent), validReport).expect(200)).text)!;
    const stored = await storedCaseOf(code);
    const entry = await CaseLocator.findById(code.slice(0, 6)).lean();
    expect(String(entry!.caseId)).toBe(String(stored!._id));
    expect(entry!.verifier).toBe(stored!.lookupId);
  });

  it('when the first attempt claimed its code and died before storing the case, then sending the form again stores it under that code', async () => {
    const agent = browser(app);
    const form = await openReportForm(agent);
    const material = codeMaterialForToken(formTokenKeys(config.secrets.session), form.formToken);
    const keys = await deriveCaseTrackingKeys(material.secret, material.caseSalt, config.secrets.trackingSalt);
    const caseId = new Types.ObjectId();
    await CaseLocator.create({ _id: material.locators[0], caseId, salt: material.caseSalt, verifier: keys.lookupId });
    const cases = await Case.countDocuments();

    const page = await postReport(agent, form, validReport).expect(200);
    expect(trackingCodeIn(page.text)).toBe(material.locators[0] + material.secret);
    expect(await Case.countDocuments()).toBe(cases + 1);
    expect(await Case.exists({ _id: caseId })).not.toBeNull();
    expect((await lookUpOk(browser(app), material.locators[0] + material.secret)).text).toContain('已收到，待受理');
  });

  it('when two different forms are submitted, then they get different codes and different references', async () => {
    const codes = new Set<string>();
    const references = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const agent = browser(app);
      const page = await postReport(agent, await openReportForm(agent), validReport).expect(200);
      codes.add(trackingCodeIn(page.text)!);
    }
    for (const stored of await Case.find({}).lean()) references.add(stored.reference);
    expect(codes.size).toBe(3);
    expect(references.size).toBe(await Case.countDocuments());
  });

  it('when the form is shown in English, then labels and the confirmation are English', async () => {
    const agent = browser(app);
    await agent.get('/').set('Cookie', 'qf_lang=en');
    const page = await agent.get('/report').set('Cookie', 'qf_lang=en').expect(200);
    expect(page.text).toContain('What happened (required)');
    expect(page.text).toContain('District Administrative Approval Bureau');
    const form = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const token = /name="formToken" value="([^"]+)"/.exec(page.text)![1];
    const done = await postReport(agent.set('Cookie', 'qf_lang=en'), { csrf: form, formToken: token }, validReport).expect(200);
    expect(done.text).toContain('Your tracking code');
  });
});

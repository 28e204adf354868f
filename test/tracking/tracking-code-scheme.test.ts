/**
 * One guess tests one case: each code's secret is stretched with its case's
 * own salt, found by the code's locator. What an attacker holding the
 * database and the server's secrets can do is checked on what is stored;
 * codes given by the first scheme still open their cases.
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { Case } from '../../server/cases/case.model';
import { CaseLocator } from '../../server/cases/case-locator.model';
import { CaseLookup } from '../../server/cases/case-lookup.model';
import { wrapForReporter } from '../../server/cases/sealing/case-keys';
import { deriveCaseTrackingKeys, deriveLegacyTrackingKeys, splitTrackingCode } from '../../server/cases/sealing/tracking-code';
import { storedBytes } from '../../server/cases/stored-bytes';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { codeMaterialForToken, formTokenKeys } from '../../server/reports/form-token';
import { openCaseWithCode } from '../../server/tracking/reporter-access.service';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, trackingCodeIn, validReport, type FormPage } from '../helpers/reports';
import { lookUp, lookUpOk, withoutEchoedCode } from '../helpers/tracking';

const { app, config, logLines } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000' });
const salt = config.secrets.trackingSalt;
const notFound = '没有找到与此查询码对应的案件';

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
});
afterAll(dropTestDatabase);

async function report(description = validReport.description): Promise<{ code: string; form: FormPage; agent: ReturnType<typeof browser> }> {
  const agent = browser(app);
  const form = await openReportForm(agent);
  const page = await postReport(agent, form, { ...validReport, description }).expect(200);
  return { code: trackingCodeIn(page.text)!, form, agent };
}

function materialOf(form: FormPage) {
  return codeMaterialForToken(formTokenKeys(config.secrets.session), form.formToken);
}

describe('one guess, one case', () => {
  it('when two reports are stored, then each code finds an entry by its first six digits with a salt of its own, and a secret tried with one salt matches no other case', async () => {
    const first = await report('第一件：区政务服务中心窗口人员推诿，不予受理营业执照变更申请。');
    const second = await report('第二件：施工许可审批超过承诺时限两周，电话询问无人答复。');
    expect(first.code).toMatch(/^\d{20}$/);
    const entries = await CaseLocator.find({}).lean();
    expect(entries).toHaveLength(2);
    const [a, b] = [first, second].map(({ code }) => entries.find((entry) => entry._id === splitTrackingCode(code).locator)!);
    expect(storedBytes(a.salt).equals(storedBytes(b.salt))).toBe(false);

    // The attacker's best move: one evaluation of the second case's true secret, with the first case's salt.
    const tried = await deriveCaseTrackingKeys(splitTrackingCode(second.code).secret, storedBytes(a.salt), salt);
    const verifiers = (await Case.find({}, { lookupId: 1 }).lean()).map((found) => found.lookupId);
    expect(verifiers).toHaveLength(2);
    expect(verifiers).not.toContain(tried.lookupId);
    expect(entries.map((entry) => entry.verifier)).not.toContain(tried.lookupId);
    // And nothing is stored under the installation-wide scheme a single guess could be tested against.
    expect(await CaseLookup.countDocuments()).toBe(0);
  });

  it('when the locator is right and the secret wrong, then the answer is the same as for a code that finds nothing', async () => {
    const { code } = await report();
    const wrongSecret = code.slice(0, 6) + [...code.slice(6)].map((digit) => String((Number(digit) + 3) % 10)).join('');
    const unknownLocator = String((Number(code.slice(0, 6)) + 1) % 1_000_000).padStart(6, '0') + code.slice(6);
    const agent = browser(app);
    const answers: string[] = [];
    for (const attempt of [wrongSecret, unknownLocator, '0'.repeat(20)]) answers.push(withoutEchoedCode((await lookUp(agent, attempt)).text));
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain(notFound);
    expect((await lookUpOk(agent, code)).text).not.toContain(notFound);
  });
});

describe('locators', () => {
  it('when the first locator a form may have is held by another case, then the report takes the next, and sending the form again gives the same code', async () => {
    const agent = browser(app);
    const form = await openReportForm(agent);
    const material = materialOf(form);
    await CaseLocator.create({ _id: material.locators[0], caseId: new Types.ObjectId(), salt: randomBytes(16), verifier: 'ab'.repeat(32) });
    const first = trackingCodeIn((await postReport(agent, form, validReport).expect(200)).text)!;
    expect(first).toBe(material.locators[1] + material.secret);
    const again = trackingCodeIn((await postReport(agent, form, validReport).expect(200)).text)!;
    expect(again).toBe(first);
    expect((await lookUpOk(browser(app), first)).text).toContain('已收到，待受理');
  });

  it('when every locator a form may have is taken, then the form comes back with what was typed and a new token, and nothing is stored', async () => {
    const agent = browser(app);
    const form = await openReportForm(agent);
    const material = materialOf(form);
    await CaseLocator.insertMany(material.locators.map((locator) => ({ _id: locator, caseId: new Types.ObjectId(), salt: randomBytes(16), verifier: 'cd'.repeat(32) })));
    const casesBefore = await Case.countDocuments();
    const description = '所有候选号码都已占用时，填写的内容不能丢失。';
    const page = await postReport(agent, form, { ...validReport, description });
    expect(page.status).toBe(422);
    expect(page.text).toContain(description);
    expect(trackingCodeIn(page.text)).toBeUndefined();
    expect(page.text).not.toContain(form.formToken);
    expect(await Case.countDocuments()).toBe(casesBefore);
    expect(logLines.filter((line) => line.includes('tracking-code locators are running short'))).toHaveLength(1);
  });
});

describe('codes of the first scheme', () => {
  it('when a case was stored with a 16-digit code under the installation salt, then that code still opens it, and a near miss does not', async () => {
    const { code } = await report('旧查询码：这件反映在升级以前提交，窗口工作人员态度恶劣。');
    // Rewrite the case the way the first scheme stored it: case_lookups, and the data key wrapped under the 16-digit code.
    const access = (await openCaseWithCode(code, salt))!;
    const legacyCode = '4321098765432109';
    const legacyKeys = await deriveLegacyTrackingKeys(legacyCode, salt);
    await Case.updateOne({ _id: access.caseDocument._id }, { $set: { lookupId: legacyKeys.lookupId, 'keys.wrappedForReporter': wrapForReporter(legacyKeys, access.dataKey) } });
    await CaseLocator.deleteOne({ _id: splitTrackingCode(code).locator });
    await CaseLookup.create({ _id: legacyKeys.lookupId, caseId: access.caseDocument._id });

    const agent = browser(app);
    const page = await lookUpOk(agent, '4321 0987 6543 2109');
    expect(page.text).toContain('已收到，待受理');
    expect(page.text).toContain('action="/track/add');
    expect((await lookUp(agent, '4321098765432108')).text).toContain(notFound);
    expect((await lookUp(agent, code)).text).toContain(notFound);
  });
});

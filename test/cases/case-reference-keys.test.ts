/**
 * Staff find a case by reference through case_references (read by _id), not
 * by scanning the cases: a new case gets its key when stored; a case stored
 * before keys existed (the old layout) is still found, and keeps a key from
 * then on; the start-up pass gives every case its key, once.
 */
import { CaseReferenceKey, rememberEveryReference } from '../../server/cases/case-reference-key.model';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { insertCases } from '../oversight/oversight-fixtures';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, validReport } from '../helpers/reports';
import { createAccount, signIn } from '../staff/staff-helpers';

const app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
let supervisor: ReturnType<typeof browser>;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  supervisor = browser(app.app);
  await signIn(supervisor, await createAccount(app.config, { roles: ['supervisor'] }));
});
afterAll(dropTestDatabase);

describe('finding a case by its reference', () => {
  it('when a report is stored, then its reference has a key to its case, and the case page opens', async () => {
    const reporter = browser(app.app);
    await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
    const stored = (await Case.findOne({}).lean())!;
    expect(String((await CaseReferenceKey.findById(stored.reference).lean())!.caseId)).toBe(String(stored._id));
    expect((await supervisor.get(`/staff/cases/${stored.reference}`).expect(200)).text).toContain(stored.reference);
  });

  it('when cases were stored by the old layout (no keys), then the case page still finds one and keeps its key; the start-up pass keys the rest once', async () => {
    await insertCases([{ month: '2026-03', unit: 'gaj' }, { month: '2026-03', unit: 'gaj' }, { month: '2026-04', unit: 'xzspj' }]);
    const old = (await Case.find({}).lean()).filter((stored) => ['2026-03', '2026-04'].includes(stored.monthKey));
    expect(old).toHaveLength(3);
    for (const stored of old) expect(await CaseReferenceKey.findById(stored.reference).lean()).toBeNull();

    expect((await supervisor.get(`/staff/cases/${old[0].reference}`).expect(200)).text).toContain(old[0].reference);
    expect(await CaseReferenceKey.findById(old[0].reference).lean()).not.toBeNull();

    expect(await rememberEveryReference()).toBe(2);
    expect(await rememberEveryReference()).toBe(0);
    expect(await CaseReferenceKey.countDocuments({})).toBe(await Case.countDocuments({}));
  });

  it('when a reference belongs to no case, then the page is the ordinary 404 and no key is made', async () => {
    await supervisor.get('/staff/cases/TZ-2026-99998').expect(404);
    expect(await CaseReferenceKey.findById('TZ-2026-99998').lean()).toBeNull();
  });

  it('when the start-up pass has keyed every case, then a reference without a key is not looked for in the cases again', async () => {
    await rememberEveryReference();
    await insertCases([{ month: '2026-05', unit: 'gaj' }]);
    const imported = (await Case.find({}).lean()).find((stored) => stored.monthKey === '2026-05')!;
    await supervisor.get(`/staff/cases/${imported.reference}`).expect(404);
    expect(await rememberEveryReference()).toBe(1);
    expect((await supervisor.get(`/staff/cases/${imported.reference}`).expect(200)).text).toContain(imported.reference);
  });
});

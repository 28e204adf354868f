/**
 * The roll-up kept up to date by every new case and every move equals the
 * one rebuilt from the cases; changes made at the same time are neither
 * lost nor counted twice; a month left half-written is recounted.
 */
import { Types } from 'mongoose';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { currentMonth } from '../../server/oversight/months';
import { CaseChange, DirtyMonth } from '../../server/cases/case-change.model';
import { recordCaseChange } from '../../server/cases/case-changes';
import { Rollup, RollupCases, RollupLock, RollupMeta, rollupMetaId, rollupVersion } from '../../server/oversight/rollup.model';
import { caseFigureFields, decodeFigures, figuresOfCase, type CaseLike } from '../../server/cases/case-figures';
import { countFigures, dimensions } from '../../server/oversight/rollup-figures';
import { storedCounts } from '../../server/oversight/rollup-counts';
import { countedCases, foldInPendingChanges, rebuildRollup, repairDirtyMonths } from '../../server/oversight/rollup.service';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOfPage, validReport } from '../helpers/reports';
import { createAccount, signIn } from '../staff/staff-helpers';
import { caseDocument, tableRows } from './oversight-fixtures';

let app: ReturnType<typeof buildTestApp>;
let supervisor: ReturnType<typeof browser>;
let intake: ReturnType<typeof browser>;
const month = currentMonth();

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  const key = app.commissionPrivateKey;
  supervisor = browser(app.app);
  await signIn(supervisor, await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: key }));
  intake = browser(app.app);
  await signIn(intake, await createAccount(app.config, { roles: ['intake'], commissionPrivateKeyPem: key }));
});
afterAll(async () => {
  await dropTestDatabase();
});

async function submit(fields: Record<string, string>): Promise<string> {
  const reporter = browser(app.app);
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, ...fields }).expect(200);
  return (await storedCaseOfPage(page.text))!.reference;
}

async function act(agent: ReturnType<typeof browser>, reference: string, action: string, fields: Record<string, string | string[]> = {}) {
  const token = await csrfTokenFrom(agent, '/staff');
  await agent.post(`/staff/cases/${reference}/${action}`).type('form').send({ _csrf: token, ...fields }).expect(303);
}

/** The month's counters as stored, in a stable order. */
async function storedRollup(): Promise<Record<string, unknown>> {
  const counts = await storedCounts(month, dimensions);
  return Object.fromEntries([...counts].map(([dimension, values]) => [dimension, [...values].sort(([a], [b]) => (a < b ? -1 : 1))]));
}

async function rollupFromCases(): Promise<Record<string, unknown>> {
  const cases = await Case.find({ monthKey: month }, caseFigureFields).lean();
  const counts = countFigures(cases.map((doc) => figuresOfCase(doc as unknown as CaseLike)));
  return Object.fromEntries(dimensions.map((dimension) => [dimension, [...(counts.get(dimension) ?? new Map())].filter(([, c]) => c.n || c.p).sort(([a], [b]) => (a < b ? -1 : 1))]));
}

describe('the roll-up kept by new cases and moves', () => {
  it('when reports come in and staff move them through every stage over HTTP, some at the same time, then the kept roll-up equals one rebuilt from the cases', async () => {
    const refs = [
      await submit({ unit: 'xzspj', category: 'favours' }),
      await submit({ unit: 'gaj', category: 'inaction', reporterType: 'resident' }),
      await submit({ unit: 'fgw', kind: 'suggestion', category: '' }),
      await submit({ unit: 'xzspj', category: 'shirking' }),
      await submit({ unit: 'gaj', category: 'inaction' }),
      await submit({ unit: 'swj', category: 'unauthorised-fees' }),
      await submit({ unit: 'jtj', category: 'formalism', concernsCommission: 'yes' }),
      await submit({ unit: 'xzspj', kind: 'praise', category: '' }),
    ];
    await act(intake, refs[0], 'accept');
    await act(supervisor, refs[0], 'investigate');
    await act(supervisor, refs[0], 'conclude', { outcome: 'substantiated', measures: ['talk', 'criticism'], summary: '经核实属实。' });
    await act(supervisor, refs[0], 'close');
    await act(intake, refs[1], 'decline', { reason: '不属于受理范围。' });
    await act(intake, refs[1], 'close');
    await act(intake, refs[2], 'transfer', { authority: '区政府办' });
    await act(intake, refs[3], 'accept');
    await act(supervisor, refs[3], 'transfer', { authority: '区人社局' });
    await act(intake, refs[4], 'accept');
    await act(supervisor, refs[6], 'accept');
    await act(supervisor, refs[6], 'conclude', { outcome: 'partlySubstantiated', measures: ['accountability'], summary: '部分属实。' });
    await act(intake, refs[7], 'accept');
    await act(supervisor, refs[7], 'investigate');
    // At the same time, on different cases of the same month.
    await Promise.all([
      act(supervisor, refs[7], 'conclude', { outcome: 'notSubstantiated', summary: '不属实。' }),
      act(supervisor, refs[4], 'conclude', { outcome: 'substantiated', measures: ['notice'], summary: '属实。' }),
      act(intake, refs[2], 'close'),
      act(intake, refs[3], 'close'),
      act(intake, refs[5], 'accept'),
    ]);

    await foldInPendingChanges(); // as every reader of the figures does first
    expect(await DirtyMonth.countDocuments({})).toBe(0);
    expect(await RollupLock.countDocuments({})).toBe(0);
    expect(await CaseChange.countDocuments({})).toBe(0);
    const kept = await storedRollup();
    expect(kept).toEqual(await rollupFromCases());
    expect((kept.total as unknown[])).toEqual([['', { n: 8, p: 7 }]]);
    // Declined or transferred, then closed: still counted as declined or transferred.
    expect((kept.decision as unknown[])).toEqual([['declined', { n: 1, p: 1 }], ['transferred', { n: 2, p: 2 }]]);
    expect((kept.outcome as unknown[])).toEqual([['notSubstantiated', { n: 1, p: 1 }], ['partlySubstantiated', { n: 1, p: 0 }], ['substantiated', { n: 2, p: 2 }]]);
    const keptCases = await countedCases(month);
    expect(keptCases.size).toBe(8);

    await rebuildRollup();
    expect(await storedRollup()).toEqual(kept);
    expect(await countedCases(month)).toEqual(keptCases);

    const page = await supervisor.get(`/staff/reports/${month}`).expect(200);
    expect(tableRows(page.text, 'summary').slice(0, 4).map((row) => row.slice(0, 2))).toEqual([['收到反映', '8'], ['已受理', '6'], ['不予受理', '1'], ['移送其他机关', '2']]);
  }, 60_000);

  it('when the roll-up was built before the decision figures existed, then the first report view rebuilds it', async () => {
    await RollupMeta.updateOne({ _id: rollupMetaId }, { $set: { version: 1 } });
    await Rollup.deleteMany({ dimension: 'decision' });
    const page = await supervisor.get(`/staff/reports/${month}`).expect(200);
    expect(tableRows(page.text, 'summary')[2].slice(0, 2)).toEqual(['不予受理', '1']);
    expect((await RollupMeta.findById(rollupMetaId).lean())!.version).toBe(rollupVersion);
  });
});

describe('changes at the same time, late or lost', () => {
  const fixture = (status: string, extra: Record<string, unknown> = {}) => ({ ...caseDocument({ month: '2026-01', unit: 'gaj', category: 'inaction' }), status, ...extra });

  it('when forty new cases of one month are counted at once, then every one is counted once, without a recount', async () => {
    const docs = Array.from({ length: 40 }, () => fixture('new'));
    await Case.insertMany(docs);
    await Promise.all(docs.map((doc) => recordCaseChange(doc as unknown as CaseLike)));
    await foldInPendingChanges();
    expect((await storedCounts('2026-01', ['total'])).get('total')!.get('')).toEqual({ n: 40, p: 40 });
    expect((await countedCases('2026-01')).size).toBe(40);
    expect(await DirtyMonth.countDocuments({})).toBe(0);
    expect(await CaseChange.countDocuments({})).toBe(0);
  }, 60_000);

  it('when changes are still pending while the month is rebuilt, then the rebuild counts them and they are not counted again', async () => {
    const doc = fixture('new');
    await Case.create(doc);
    await recordCaseChange(doc as unknown as CaseLike);
    expect(await CaseChange.countDocuments({})).toBe(1);
    const total = (await storedCounts('2026-01', ['total'])).get('total')!.get('')!;
    await rebuildRollup({ months: ['2026-01'] });
    expect(await CaseChange.countDocuments({})).toBe(0);
    await foldInPendingChanges();
    expect((await storedCounts('2026-01', ['total'])).get('total')!.get('')).toEqual({ n: total.n + 1, p: total.p + 1 });
  });

  it('when an older state of a case arrives after a newer one, then the newer one stays counted', async () => {
    const doc = fixture('concluded', { outcome: 'substantiated', acceptedDate: '2026-01-12', workingDaysToAcceptance: 1, workingDaysToConclusion: 9 });
    await Case.create(doc);
    await recordCaseChange(doc as unknown as CaseLike);
    await foldInPendingChanges();
    await recordCaseChange({ ...doc, status: 'accepted', outcome: null, workingDaysToConclusion: null } as unknown as CaseLike);
    await foldInPendingChanges();
    const counts = await storedCounts('2026-01', ['outcome', 'status']);
    expect(counts.get('outcome')!.get('substantiated')).toEqual({ n: 1, p: 1 });
    expect(counts.get('status')!.get('accepted')).toBeUndefined();
  });

  it('when a writer died holding a month\'s lock, then the next fold takes it over and the month is recounted from the cases', async () => {
    await RollupLock.create({ _id: '2026-01', holder: 'died', at: new Date(Date.now() - 120_000) });
    const total = (await storedCounts('2026-01', ['total'])).get('total')!.get('')!;
    await Rollup.updateOne({ _id: '2026-01:total' }, { $set: { counts: '[["",999,999]]' } });
    const doc = fixture('new');
    await Case.create(doc);
    await recordCaseChange(doc as unknown as CaseLike);
    await foldInPendingChanges();
    expect(await DirtyMonth.countDocuments({ month: '2026-01', reason: 'staleLock' })).toBe(1);
    expect(await repairDirtyMonths()).toEqual(['2026-01']);
    expect((await Rollup.findById('2026-01:total').lean())!.counts).toBe(JSON.stringify([['', total.n + 1, total.p + 1]]));
    expect(await DirtyMonth.countDocuments({})).toBe(0);
  });

  it('when a month is marked dirty (a fold may have failed half-way), then folding leaves its changes to the recount, which counts each once', async () => {
    const doc = fixture('new');
    await Case.create(doc);
    const total = (await storedCounts('2026-01', ['total'])).get('total')!.get('')!;
    await recordCaseChange(doc as unknown as CaseLike);
    await DirtyMonth.create({ month: '2026-01', at: new Date(), reason: 'failed' });
    await foldInPendingChanges();
    await foldInPendingChanges();
    expect(await CaseChange.countDocuments({ month: '2026-01' })).toBe(1);
    expect(await repairDirtyMonths()).toEqual(['2026-01']);
    expect(await CaseChange.countDocuments({})).toBe(0);
    expect((await storedCounts('2026-01', ['total'])).get('total')!.get('')).toEqual({ n: total.n + 1, p: total.p + 1 });
  });

  it("when a month's lock stays taken, then the periodic fold keeps its changes for later, and only the monthly report asks for a recount", async () => {
    const doc = fixture('new');
    await Case.create(doc);
    await recordCaseChange(doc as unknown as CaseLike);
    await RollupLock.create({ _id: '2026-01', holder: 'busy', at: new Date() });
    await foldInPendingChanges();
    expect(await DirtyMonth.countDocuments({})).toBe(0);
    expect(await CaseChange.countDocuments({ month: '2026-01' })).toBe(1);
    await foldInPendingChanges({ markTimeouts: true });
    expect(await DirtyMonth.countDocuments({ month: '2026-01', reason: 'lockTimeout' })).toBe(1);
    await RollupLock.deleteMany({});
    await repairDirtyMonths();
    expect(await CaseChange.countDocuments({})).toBe(0);
  }, 30_000);

  it('when the first answer to a report was lost before its case was counted, then sending the same form again counts it', async () => {
    const reporter = browser(app.app);
    const form = await openReportForm(reporter);
    const page = await postReport(reporter, form, validReport).expect(200);
    await foldInPendingChanges();
    const counted = (await storedCounts(month, ['total'])).get('total')!.get('')!;
    const stored = (await storedCaseOfPage(page.text))!;
    // As if the request had died after storing the case: it is in no count.
    await Rollup.updateOne({ _id: `${month}:total` }, { $set: { counts: JSON.stringify([['', counted.n - 1, counted.p - 1]]) } });
    const buckets = await RollupCases.find({}).lean();
    for (const bucket of buckets) await RollupCases.updateOne({ _id: bucket._id }, { $set: { lines: bucket.lines.split('\n').filter((line) => !line.startsWith(String(stored._id))).join('\n') } });
    await postReport(reporter, form, validReport).expect(200);
    await foldInPendingChanges();
    expect((await storedCounts(month, ['total'])).get('total')!.get('')).toEqual(counted);
  });

  it('when a case declined before cases kept their decision is closed, then it is still counted as declined', async () => {
    const reference = await submit({ unit: 'gaj', category: 'inaction' });
    await act(intake, reference, 'decline', { reason: '不属于受理范围。' });
    await Case.updateOne({ reference }, { $set: { decision: null } });
    await act(intake, reference, 'close');
    expect((await Case.findOne({ reference }).lean())!.decision).toBe('declined');
  });

  it('when a roll-up line written before the decision existed is read, then a declined or transferred case still says so', () => {
    const old = (status: string) => decodeFigures('2026-01', `6b0000000000000000000001 ["complaint","resident","gaj","inaction",0,"${status}",0,"",[],-1,-1,""]`);
    expect([old('declined').decision, old('transferred').decision, old('closed').decision, old('new').decision]).toEqual(['declined', 'transferred', null, null]);
  });

  it('when a month is marked dirty, then the next report view recounts it before showing it', async () => {
    const doc = { ...caseDocument({ month: '2025-11', unit: 'fgw', kind: 'suggestion' }), _id: new Types.ObjectId() };
    await Case.create(doc);
    await DirtyMonth.create({ month: '2025-11', at: new Date(), reason: 'failed' });
    const page = await supervisor.get('/staff/reports/2025-11').expect(200);
    expect(tableRows(page.text, 'summary')[0].slice(0, 2)).toEqual(['收到反映', '1']);
    expect(await DirtyMonth.countDocuments({})).toBe(0);
  });
});

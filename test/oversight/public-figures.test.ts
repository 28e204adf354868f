/**
 * The public figures at /figures: totals by kind of problem and outcome,
 * units only from 5 up with no small count derivable by subtraction, cases
 * about the commission's own staff only in totals, complete months only,
 * both languages, and no free text anywhere in what statistics keep.
 */
import mongoose from 'mongoose';
import { Unit } from '../../server/cases/taxonomy/unit.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { currentMonth, previousMonth } from '../../server/oversight/months';
import { CaseChange } from '../../server/cases/case-change.model';
import { Rollup, RollupLock } from '../../server/oversight/rollup.model';
import { foldInPendingChanges, rebuildRollup } from '../../server/oversight/rollup.service';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, validReport } from '../helpers/reports';
import { insertCases, text, type FixtureCase } from './oversight-fixtures';
import { disclosedSmallCounts, type Published } from './suppression-check';

const month = '2026-03';
let app: ReturnType<typeof buildTestApp>;

const many = (count: number, fixture: FixtureCase): FixtureCase[] => Array.from({ length: count }, () => ({ ...fixture }));
const march: FixtureCase[] = [
  ...many(4, { month, unit: 'xzspj', category: 'favours', status: 'concluded', accepted: 2, concluded: 20, outcome: 'substantiated' }),
  ...many(3, { month, unit: 'xzspj', category: 'shirking', status: 'concluded', accepted: 4, concluded: 30, outcome: 'notSubstantiated' }),
  ...many(6, { month, unit: 'gaj', category: 'inaction', status: 'accepted', accepted: 6 }),
  ...many(2, { month, unit: 'fgw', kind: 'suggestion', status: 'new' }),
  ...many(5, { month, unit: 'other', category: 'other', status: 'declined' }),
  // About the commission's own staff: counted in the total only.
  // (Counted in the medians they would move them: 4 → 6 and 20 → 30 working days.)
  ...many(4, { month, unit: 'jtj', category: 'formalism', commission: true, status: 'concluded', accepted: 9, concluded: 50, outcome: 'substantiated' }),
];

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  // Three units and "other" remain in use, so that a single small count is possible.
  await Unit.updateMany({ code: mongoose.trusted({ $nin: ['xzspj', 'gaj', 'fgw', 'other'] }) }, { $set: { active: false } });
  app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100' });
  await insertCases([...march, ...many(2, { month: '2026-02', unit: 'gaj', category: 'inaction' })]);
  await rebuildRollup();
});
afterAll(async () => {
  await dropTestDatabase();
});

function publishedRows(html: string, headingId: string): Array<[string, string]> {
  const start = html.indexOf(`<table aria-labelledby="${headingId}">`);
  const table = html.slice(start, html.indexOf('</table>', start));
  return [...table.matchAll(/<tr><th scope="row">([\s\S]*?)<\/th><td class="num">([\s\S]*?)<\/td><\/tr>/g)].map((row) => [text(row[1]), text(row[2])]);
}

describe('the public figures', () => {
  it('when a complete month is shown, then its totals by kind of problem add up to the month with commission cases only in the merged row', async () => {
    const page = await browser(app.app).get(`/figures/${month}`).expect(200);
    expect(page.text).toContain('本月共收到反映24件。');
    const categories = publishedRows(page.text, 'by-category');
    expect(categories).toEqual(expect.arrayContaining([['吃拿卡要', '4'], ['推诿扯皮', '3'], ['不作为、慢作为', '6'], ['形式主义、官僚主义', '0'], ['意见建议和表扬', '2'], ['其他问题及未分列的', '9']]));
    expect(categories.reduce((sum, [, count]) => sum + Number(count), 0)).toBe(24);
    expect(publishedRows(page.text, 'by-outcome')).toEqual([['反映属实', '4'], ['反映部分属实', '0'], ['反映不属实', '3']]);
    expect(page.text).toContain('从收到到受理的用时（中位数）</dt>\n      <dd>4个工作日');
    expect(page.text).toContain('从收到到办结的用时（中位数）</dt>\n      <dd>20个工作日');
  });

  it('when exactly one unit is below 5, then it shows "fewer than 5", another figure is withheld, and subtracting from the total pins down nothing', async () => {
    const page = await browser(app.app).get(`/figures/${month}`).expect(200);
    const units = publishedRows(page.text, 'by-unit');
    // Units in the taxonomy's order; the smallest count from 5 up (区公安局, 6) is the one withheld.
    expect(units).toEqual([['区发改委', '少于5件'], ['区公安局', '不予公布'], ['区行政审批局', '7'], ['其他单位及未分列的', '9']]);
    const cells: Published[] = units.map(([, shown]) => (shown === '少于5件' ? { kind: 'fewerThanFive' } : shown === '不予公布' ? { kind: 'withheld' } : { kind: 'shown', value: Number(shown) }));
    expect(disclosedSmallCounts(cells, 24)).toEqual([]);
    expect(page.text).not.toContain('区教体局');
  });

  it('when the commission\'s own staff are reported, then they are in no breakdown: not by unit, kind of problem, outcome or handling time', async () => {
    const page = await browser(app.app).get(`/figures/${month}`).expect(200);
    expect(publishedRows(page.text, 'by-category')).toContainEqual(['形式主义、官僚主义', '0']);
    expect(publishedRows(page.text, 'by-outcome')).toContainEqual(['反映属实', '4']);
    expect(page.text).toContain('<dd>4个工作日');
    expect(page.text).toContain('<dd>20个工作日');
    expect(page.text).not.toContain('区教体局');
  });

  it('when the month is under way, then the page says from which day its figures are published, and it shows no figure', async () => {
    const current = currentMonth();
    const next = new Date(Date.UTC(Number(current.slice(0, 4)), Number(current.slice(5, 7)), 1)).toISOString().slice(0, 10);
    const page = await browser(app.app).get(`/figures/${current}`).expect(200);
    expect(page.text).toContain(`将于${next}起公布`);
    expect(page.text).not.toContain('class="headline"');
    const english = await browser(app.app).get(`/figures/${current}`).set('Cookie', 'qf_lang=en').expect(200);
    expect(english.text).toContain(`published from ${next}`);
  });

  it('when the month is still to come or malformed, then there is nothing to see', async () => {
    const visitor = browser(app.app);
    await visitor.get('/figures/2999-01').expect(404);
    await visitor.get('/figures/2026-3').expect(404);
    const latest = await visitor.get('/figures').expect(200);
    expect(latest.text).toContain(`href="/figures/${month}"`);
    // The month's figures come first, the links to the other months after them (on a phone they fill a screen).
    expect(latest.text.indexOf('id="month-heading"')).toBeGreaterThan(0);
    expect(latest.text.indexOf('class="month-list')).toBeGreaterThan(latest.text.indexOf('id="figures-trend"'));
    expect(latest.text).toContain(`aria-current="page"`);
    expect(previousMonth(currentMonth()) > month).toBe(true);
  });

  it('when the page is read in English, then the same figures come in English', async () => {
    const page = await browser(app.app).get(`/figures/${month}`).set('Cookie', 'qf_lang=en').expect(200);
    expect(page.text).toContain('24 reports were received this month.');
    expect(publishedRows(page.text, 'by-unit')).toEqual([['District Development and Reform Commission', 'fewer than 5'], ['District Public Security Bureau', 'withheld'], ['District Administrative Approval Bureau', '7'], ['Other units, or not broken down', '9']]);
    expect(page.text).toMatch(/<svg[^>]*role="img"[\s\S]*<title id="chart-totals-title">Reports received each month/);
  });

  it('when the home page is shown, then it links to the figures', async () => {
    expect((await browser(app.app).get('/').expect(200)).text).toContain('href="/figures"');
  });

  it('when the public page is read while changes are pending, then it writes nothing and takes no lock', async () => {
    const reporter = browser(app.app);
    await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
    const before = await Promise.all([CaseChange.countDocuments(), RollupLock.countDocuments(), Rollup.countDocuments()]);
    expect(before[0]).toBeGreaterThan(0);
    await browser(app.app).get('/figures').expect(200);
    await browser(app.app).get(`/figures/${previousMonth(currentMonth())}`).expect(200);
    expect(await Promise.all([CaseChange.countDocuments(), RollupLock.countDocuments(), Rollup.countDocuments()])).toEqual(before);
  });

  it('when a report with free text is submitted, then nothing statistics keep holds any of its words', async () => {
    const reporter = browser(app.app);
    await postReport(reporter, await openReportForm(reporter), { ...validReport, unit: 'other', unitOther: '秘密单位甲乙丙', description: `${validReport.description}FREE-TEXT-4471` }).expect(200);
    const collections = ['oversight_rollups', 'oversight_rollup_cases', 'oversight_rollup_pending', 'oversight_rollup_meta'];
    const kept = async () => (await Promise.all(collections.map(async (name) => JSON.stringify(await mongoose.connection.db!.collection(name).find({}).toArray())))).join('');
    const beforeFolding = await kept();
    expect(beforeFolding).toContain('"line"');
    expect(beforeFolding).not.toMatch(/FREE-TEXT-4471|秘密单位|意思意思|12345-20261101-0042/);
    await foldInPendingChanges();
    const afterFolding = await kept();
    expect(afterFolding).not.toMatch(/FREE-TEXT-4471|秘密单位|意思意思|12345-20261101-0042/);
    expect(afterFolding).toContain(`${currentMonth()}:unit`);
  });
});

/**
 * The monthly report at /staff/reports: fixtures with known counts give
 * exact figures in the page and in the CSV, every figure opens the case
 * list that holds exactly that many cases, charts are inline SVG with text
 * alternatives, only supervisors get in, and every view and export is audited.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { Unit } from '../../server/cases/taxonomy/unit.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { rebuildRollup } from '../../server/oversight/rollup.service';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { createAccount, signIn, type TestAccount } from '../staff/staff-helpers';
import { insertCases, tableLinks, tableRows, text, type FixtureCase } from './oversight-fixtures';

const month = '2026-03';
let app: ReturnType<typeof buildTestApp>;
const accounts: Record<string, TestAccount> = {};
const agents = new Map<string, ReturnType<typeof browser>>();

// March 2026, the month reported on.
const march: FixtureCase[] = [
  { month, unit: 'xzspj', category: 'favours', status: 'concluded', accepted: 2, concluded: 20, outcome: 'substantiated', measures: ['talk', 'criticism'] },
  { month, unit: 'xzspj', category: 'favours', reporterType: 'business', status: 'concluded', accepted: 4, concluded: 30, outcome: 'substantiated', measures: ['talk'] },
  { month, unit: 'xzspj', category: 'favours', status: 'concluded', accepted: 1, concluded: 15, outcome: 'partlySubstantiated', measures: ['notice'] },
  { month, unit: 'xzspj', category: 'shirking', reporterType: 'undisclosed', status: 'investigating', accepted: 3, dueDate: '2026-06-10' },
  { month, unit: 'xzspj', category: 'shirking', status: 'new', dueDate: '2026-03-20' },
  { month, unit: 'gaj', category: 'inaction', status: 'concluded', accepted: 5, concluded: 40, outcome: 'notSubstantiated' },
  { month, unit: 'gaj', category: 'inaction', status: 'declined' },
  { month, unit: 'gaj', category: 'inaction', reporterType: 'business', status: 'transferred' },
  { month, unit: 'fgw', kind: 'suggestion', status: 'accepted', accepted: 10, dueDate: '2026-03-28' },
  { month, unit: 'fgw', kind: 'praise', status: 'closed', decision: 'declined' },
  { month, unit: 'jtj', category: 'formalism', commission: true, status: 'concluded', accepted: 6, concluded: 25, outcome: 'substantiated', measures: ['accountability'] },
];
// February 2026: one case still under investigation whose deadline passes in March; the concluded
// cases of February 2026 and March 2025 have not been closed, so their result notices are overdue too.
const february: FixtureCase[] = [
  { month: '2026-02', unit: 'xzspj', category: 'favours', status: 'concluded', accepted: 3, concluded: 10, outcome: 'substantiated', measures: ['talk'] },
  { month: '2026-02', unit: 'gaj', category: 'inaction', status: 'investigating', accepted: 2, dueDate: '2026-03-15' },
  { month: '2026-02', unit: 'fgw', kind: 'suggestion', status: 'closed' },
];
const marchLastYear: FixtureCase[] = [
  { month: '2025-03', unit: 'xzspj', category: 'favours', status: 'concluded', accepted: 2, concluded: 12, outcome: 'notSubstantiated' },
  { month: '2025-03', unit: 'gaj', category: 'inaction', status: 'declined' },
];

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  for (const role of ['supervisor', 'intake', 'handler', 'admin'] as const) accounts[role] = await createAccount(app.config, { roles: [role] });
  await insertCases([...march, ...february, ...marchLastYear]);
  await rebuildRollup();
});
afterAll(async () => {
  await dropTestDatabase();
});

async function staffAgent(role: string) {
  if (!agents.has(role)) {
    const agent = browser(app.app);
    await signIn(agent, accounts[role]);
    agents.set(role, agent);
  }
  return agents.get(role)!;
}

describe('the figures', () => {
  it('when a supervisor opens the month, then each table shows the known counts against the month before and a year before', async () => {
    const page = await (await staffAgent('supervisor')).get(`/staff/reports/${month}`).expect(200);
    expect(tableRows(page.text, 'summary')).toEqual([
      ['收到反映', '11', '3', '+8', '2', '+9'],
      ['已受理', '7', '2', '+5', '1', '+6'],
      ['不予受理', '2', '0', '+2', '1', '+1'],
      ['移送其他机关', '1', '0', '+1', '0', '+1'],
      ['待决定是否受理', '1', '0', '+1', '0', '+1'],
      ['已办结', '5', '1', '+4', '1', '+4'],
      ['反映属实', '3', '1', '+2', '0', '+3'],
    ]);
    expect(tableRows(page.text, 'received-by-kind')).toEqual([['投诉举报', '9', '2', '+7', '2', '+7'], ['意见建议', '1', '1', '0', '0', '+1'], ['表扬', '1', '0', '+1', '0', '+1']]);
    expect(tableRows(page.text, 'received-by-unit')).toEqual(expect.arrayContaining([['区行政审批局', '5', '1', '+4', '1', '+4'], ['区公安局', '3', '1', '+2', '1', '+2'], ['区发改委', '2', '1', '+1', '0', '+2'], ['区教体局', '1', '0', '+1', '0', '+1'], ['区税务局', '0', '0', '0', '0', '0']]));
    expect(tableRows(page.text, 'received-by-reporter-type')).toEqual([['群众', '8', '3', '+5', '2', '+6'], ['企业', '2', '0', '+2', '0', '+2'], ['不愿透露', '1', '0', '+1', '0', '+1']]);
    expect(tableRows(page.text, 'stages')).toEqual([
      ['已收到，待受理', '1', '0', '+1', '0', '+1'], ['已受理', '1', '0', '+1', '0', '+1'], ['不予受理', '1', '0', '+1', '1', '0'], ['已移送其他机关', '1', '0', '+1', '0', '+1'],
      ['调查核实中', '1', '1', '0', '0', '+1'], ['已办结', '5', '1', '+4', '1', '+4'], ['复查中', '0', '0', '0', '0', '0'], ['已结案', '1', '1', '0', '0', '+1'],
    ]);
    expect(tableRows(page.text, 'outcomes')).toEqual([['反映属实', '3', '1', '+2', '0', '+3'], ['反映部分属实', '1', '0', '+1', '0', '+1'], ['反映不属实', '1', '0', '+1', '1', '0'], ['尚未办结', '6', '2', '+4', '1', '+5']]);
    expect(tableRows(page.text, 'measures')).toEqual([['谈话提醒', '2', '1', '+1', '0', '+2'], ['批评教育', '1', '0', '+1', '0', '+1'], ['通报', '1', '0', '+1', '0', '+1'], ['问责', '1', '0', '+1', '0', '+1'], ['警告', '0', '0', '0', '0', '0'], ['其他', '0', '0', '0', '0', '0']]);
    expect(tableRows(page.text, 'overdue')).toEqual([['已收到，待受理', '1'], ['已受理', '1'], ['调查核实中', '1'], ['已办结', '2'], ['合计', '5']]);
    expect(tableRows(page.text, 'handling-times')).toEqual([
      ['从收到到受理（工作日，中位数）', '4', '2', '+2', '2', '+2'],
      ['从收到到受理（工作日，第90百分位）', '10', '3', '+7', '2', '+8'],
      ['已受理件数（上两项的依据）', '7', '2', '+5', '1', '+6'],
      ['从收到到办结（工作日，中位数）', '25', '10', '+15', '12', '+13'],
      ['从收到到办结（工作日，第90百分位）', '40', '10', '+30', '12', '+28'],
      ['已办结件数（上两项的依据）', '5', '1', '+4', '1', '+4'],
    ]);
    expect(tableRows(page.text, 'units-by-outcome')).toEqual([
      ['区行政审批局', '2', '1', '0', '2', '5', '1', '0'],
      ['区教体局', '1', '0', '0', '0', '1', '0', '0'],
      ['区公安局', '0', '0', '1', '2', '3', '0', '0'],
      ['区发改委', '0', '0', '0', '2', '2', '0', '0'],
    ]);
    expect(tableRows(page.text, 'recurring')).toEqual([['区公安局 · 不作为、慢作为', '3', '1', '+2', '1', '+2'], ['区行政审批局 · 吃拿卡要', '3', '1', '+2', '1', '+2']]);
    const trend = tableRows(page.text, 'trend');
    expect(trend).toHaveLength(12);
    expect(trend[10]).toEqual(['2026年2月', '3', '2', '1', '1']);
    expect(trend[11]).toEqual(['2026年3月', '11', '7', '5', '3']);
  });

  it('when each figure is followed to the case list, then the list holds exactly that many cases', async () => {
    const supervisor = await staffAgent('supervisor');
    const page = await supervisor.get(`/staff/reports/${month}`).expect(200);
    const counted = ['summary', 'received-by-kind', 'received-by-category', 'received-by-unit', 'received-by-reporter-type', 'stages', 'outcomes', 'measures', 'overdue', 'units-by-outcome', 'recurring', 'trend'];
    const links = counted.flatMap((id) => tableLinks(page.text, id));
    expect(links.length).toBeGreaterThan(150);
    const hrefs = [...new Set(links.map((link) => link.href))];
    const listed = new Map<string, string>();
    for (let start = 0; start < hrefs.length; start += 6) {
      await Promise.all(hrefs.slice(start, start + 6).map(async (href) => {
        const list = await supervisor.get(href).expect(200);
        listed.set(href, /共(\d+)件/.exec(list.text)![1]);
      }));
    }
    expect(links.filter((link) => listed.get(link.href) !== link.figure)).toEqual([]);
  }, 180_000);

  it('when a table is exported, then the CSV has a byte-order mark and the same figures', async () => {
    const supervisor = await staffAgent('supervisor');
    const csv = await supervisor.get(`/staff/reports/${month}/summary.csv`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="qingfeng-${month}-summary.csv"`);
    const body = csv.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body.toString('utf8').slice(1).split('\r\n')).toEqual([
      '项目,2026年3月,2026年2月,增减,2025年3月,增减',
      '收到反映,11,3,8,2,9', '已受理,7,2,5,1,6', '不予受理,2,0,2,1,1', '移送其他机关,1,0,1,0,1', '待决定是否受理,1,0,1,0,1', '已办结,5,1,4,1,4', '反映属实,3,1,2,0,3', '',
    ]);
    await supervisor.get(`/staff/reports/${month}/nonsense.csv`).expect(404);
  });

  it('when a unit\'s name starts like a formula, then its CSV cell is made harmless, and the page and chart escape it', async () => {
    await Unit.updateOne({ code: 'gaj' }, { $set: { nameZh: '=HYPERLINK("http://x.example","<b>点我</b>")' } });
    await Unit.updateOne({ code: 'fgw' }, { $set: { nameZh: '-2+3' } });
    await Unit.updateOne({ code: 'jtj' }, { $set: { nameZh: '@SUM(A1)' } });
    try {
      const supervisor = await staffAgent('supervisor');
      const csv = (await supervisor.get(`/staff/reports/${month}/received-by-unit.csv`).expect(200)).text;
      expect(csv).toContain('"\'=HYPERLINK(""http://x.example"",""<b>点我</b>"")",3,1,2,1,2');
      expect(csv).toContain("'-2+3,2,1,1,0,2");
      expect(csv).toContain("'@SUM(A1),1,0,1,0,1");
      expect(csv.split('\r\n').filter((line) => /^[=+\-@\t\r]/.test(line))).toEqual([]);
      const page = (await supervisor.get(`/staff/reports/${month}`).expect(200)).text;
      expect(page).not.toContain('<b>点我</b>');
      expect(page).toContain('&lt;b&gt;点我&lt;/b&gt;');
    } finally {
      await seedTaxonomyNames();
    }
  });
});

describe('charts and print', () => {
  it('when the report is shown, then its charts are inline SVG with a title, a description and a table, and the page uses no inline styles', async () => {
    const page = await (await staffAgent('supervisor')).get(`/staff/reports/${month}`).expect(200);
    expect(page.headers['content-security-policy']).toContain("style-src 'self'");
    const charts = [...page.text.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((match) => match[0]);
    expect(charts).toHaveLength(2);
    for (const chart of charts) {
      expect(chart).toMatch(/role="img" aria-labelledby="([\w-]+)-title \1-desc"/);
      expect(chart).toMatch(/<title id="[\w-]+-title">[^<]+<\/title><desc id="[\w-]+-desc">[^<]+<\/desc>/);
    }
    expect(text(charts[0])).toContain('区行政审批局');
    // the legend's swatch and the two units with substantiated reports
    expect(charts[0].match(/<rect [^>]*fill="#8c2d04"/g)).toHaveLength(3);
    expect(page.text).not.toMatch(/\sstyle=/);
    expect(page.text).toContain('href="#units-by-outcome"');
    const css = await browser(app.app).get('/public/css/site.css').expect(200);
    expect(css.text).toMatch(/@page\s*{\s*size:\s*A4/);
  });
});

describe('who may see it', () => {
  it('when anyone but a supervisor asks for a report, its list or an export, then it is refused with 403; signed out, they are sent to sign in', async () => {
    for (const role of ['intake', 'handler', 'admin']) {
      const agent = await staffAgent(role);
      await agent.get('/staff/reports').expect(403);
      await agent.get(`/staff/reports/${month}`).expect(403);
      await agent.get(`/staff/reports/${month}/summary.csv`).expect(403);
    }
    const signedOut = browser(app.app);
    for (const path of ['/staff/reports', `/staff/reports/${month}`, `/staff/reports/${month}/summary.csv`]) {
      const response = await signedOut.get(path).expect(303);
      expect(response.headers.location).toBe('/staff');
    }
  });

  it('when a month is malformed or still to come, then there is no report', async () => {
    const supervisor = await staffAgent('supervisor');
    await supervisor.get('/staff/reports/2026-13').expect(404);
    await supervisor.get('/staff/reports/2999-01').expect(404);
    const index = await supervisor.get('/staff/reports').expect(200);
    expect(index.text).toContain(`href="/staff/reports/${month}"`);
  });

  it('when a supervisor views and exports, then both are in the audit trail with the month and the table', async () => {
    const supervisor = await staffAgent('supervisor');
    const before = await AuditEntry.countDocuments({ action: 'report.viewed' });
    await supervisor.get(`/staff/reports/${month}`).expect(200);
    await supervisor.get(`/staff/reports/${month}/recurring.csv`).expect(200);
    expect(await AuditEntry.countDocuments({ action: 'report.viewed' })).toBe(before + 1);
    const viewed = await AuditEntry.findOne({ action: 'report.viewed' }).sort({ seq: -1 }).lean();
    const exported = await AuditEntry.findOne({ action: 'report.exported' }).sort({ seq: -1 }).lean();
    expect(viewed).toEqual(expect.objectContaining({ actor: accounts.supervisor.id, details: { month } }));
    expect(exported).toEqual(expect.objectContaining({ actor: accounts.supervisor.id, details: { month, table: 'recurring' } }));
  });
});

async function seedTaxonomyNames(): Promise<void> {
  await Unit.updateOne({ code: 'gaj' }, { $set: { nameZh: '区公安局' } });
  await Unit.updateOne({ code: 'fgw' }, { $set: { nameZh: '区发改委' } });
  await Unit.updateOne({ code: 'jtj' }, { $set: { nameZh: '区教体局' } });
}

/**
 * The unit assessment at /staff/assessment: three units with known counts
 * give exact figures and scores in the page and the CSV, each figure opens
 * a case list with that many cases, a changed weight changes the score and
 * is audited, a refused weight keeps what was typed, and only supervisors
 * get in.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { AssessmentSettings } from '../../server/assessment/assessment-weights.model';
import { rebuildRollup } from '../../server/oversight/rollup.service';
import { Case } from '../../server/cases/case.model';
import { recordCaseChange } from '../../server/cases/case-changes';
import type { CaseLike } from '../../server/cases/case-figures';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { signedInAgents, createAccount, type TestAccount } from '../staff/staff-helpers';
import { text } from '../oversight/oversight-fixtures';
import { insertAssessmentFixtures } from './assessment-fixtures';

const quarter = '2026-Q3';
let app: ReturnType<typeof buildTestApp>;
let agentFor: (name: string) => Promise<ReturnType<typeof browser>>;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  const accounts: Record<string, TestAccount> = {};
  for (const role of ['supervisor', 'intake', 'handler', 'inspector', 'admin'] as const) accounts[role] = await createAccount(app.config, { roles: [role] });
  agentFor = signedInAgents(app.app, accounts) as unknown as typeof agentFor;
  await insertAssessmentFixtures();
  await rebuildRollup();
});
afterAll(async () => {
  await dropTestDatabase();
});

/** The assessment table as text: [unit, ...cells], links dropped. */
function assessmentRows(html: string): string[][] {
  const start = html.indexOf('id="assessment-table"');
  const section = html.slice(start, html.indexOf('</section>', start));
  const body = section.slice(section.indexOf('<tbody>'), section.indexOf('</tbody>'));
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => text(cell[1].replace(/<br>/g, ' '))));
}

function caseLinks(html: string): Array<{ href: string; figure: string }> {
  const start = html.indexOf('id="assessment-table"');
  const section = html.slice(start, html.indexOf('</section>', start));
  return [...section.matchAll(/<a href="(\/staff\/cases\?[^"]*)">([^<]*)<\/a>/g)].map((match) => ({ href: match[1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '='), figure: match[2] }));
}

async function setWeights(weights: Record<string, string>) {
  const supervisor = await agentFor('supervisor');
  const csrf = await csrfTokenFrom(supervisor, '/staff/assessment/weights');
  return supervisor.post('/staff/assessment/weights').type('form').send({ _csrf: csrf, ...weights });
}

const evenWeights = { substantiated: '20', acceptedOnTime: '20', concludedOnTime: '20', findings: '20', satisfaction: '20', rectificationOnTime: '20', windowRatings: '20' };

describe('the figures and the score', () => {
  it('when a supervisor opens the quarter, then each unit shows its known figures, points and score, and the page says how the score is computed', async () => {
    const page = await (await agentFor('supervisor')).get(`/staff/assessment/${quarter}`).expect(200);
    // In the units' list order; a finding is a case too, accepted (and concluded) like any other.
    expect(assessmentRows(page.text)).toEqual([
      ['区发改委', '1', '0 / 1 100.0分', '2 / 2 100.0分', '1 / 1 100.0分', '2 80.0分', '0 / 0', '0 / 0', '0 / 0', '95.0'],
      ['区公安局', '2', '0 / 0', '1 / 1 100.0分', '0 / 0', '0 100.0分', '0 / 0', '0 / 0', '0 / 0', '100.0'],
      ['区行政审批局', '4', '2 / 3 33.3分', '2 / 3 66.7分', '2 / 3 66.7分', '1 90.0分', '3 / 4 75.0分', '1 / 3 33.3分', '3 / 5 60.0分', '60.7'],
    ]);
    expect(text(page.text)).toContain('2026年第三季度各单位作风建设情况');
    expect(text(page.text)).toContain('供考核委员会研究时参考，不是考核结论');
    // 按期整改 opens the unit's problem list, where its items are.
    expect(page.text).toContain('href="/staff/rectification/units/xzspj"');
    expect(text(page.text)).toContain('综合得分为各项得分的加权平均：反映属实得分×20＋按期受理得分×20＋按期办结得分×20＋明察暗访发现问题得分×20＋群众满意度得分×20＋按期整改得分×20＋窗口好差评得分×20，相加后除以有得分各项的权重之和');
  });

  it('when the quarter is exported, then the CSV holds the same figures, points and scores', async () => {
    const csv = await (await agentFor('supervisor')).get(`/staff/assessment/${quarter}.csv`).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="qingfeng-assessment-${quarter}.csv"`);
    expect(csv.text.replace(/^\uFEFF/, '').split('\r\n')).toEqual([
      '单位,收到群众反映,反映属实,反映属实（基数）,反映属实（得分）,按期受理,按期受理（基数）,按期受理（得分）,按期办结,按期办结（基数）,按期办结（得分）,明察暗访发现问题,明察暗访发现问题（得分）,群众满意度,群众满意度（基数）,群众满意度（得分）,按期整改,按期整改（基数）,按期整改（得分）,窗口好差评,窗口好差评（基数）,窗口好差评（得分）,综合得分',
      '区发改委,1,0,1,100,2,2,100,1,1,100,2,80,0,0,,0,0,,0,0,,95',
      '区公安局,2,0,0,,1,1,100,0,0,,0,100,0,0,,0,0,,0,0,,100',
      '区行政审批局,4,2,3,33.3,2,3,66.7,2,3,66.7,1,90,3,4,75,1,3,33.3,3,5,60,60.7',
      '',
    ]);
  });

  it('when each figure is followed to the case list, then the list holds exactly that many cases', async () => {
    const supervisor = await agentFor('supervisor');
    const page = await supervisor.get(`/staff/assessment/${quarter}`).expect(200);
    const links = caseLinks(page.text);
    expect(links.length).toBe(18);
    for (const link of links) {
      expect(link.href).toContain('from=2026-07-01&to=2026-09-30');
      const list = await supervisor.get(link.href).expect(200);
      expect([link.href, /共(\d+)件/.exec(list.text)![1]]).toEqual([link.href, link.figure]);
    }
  }, 120_000);

  it('when the year is asked for, then the October case counts too', async () => {
    const page = await (await agentFor('supervisor')).get('/staff/assessment/2026').expect(200);
    expect(assessmentRows(page.text)[2].slice(0, 3)).toEqual(['区行政审批局', '5', '3 / 4 25.0分']);
  });
});

describe('the weights', () => {
  afterEach(async () => {
    await AssessmentSettings.deleteMany({});
  });

  it('when a supervisor raises a weight, then the scores change and the audit trail holds the change', async () => {
    const saved = await setWeights({ ...evenWeights, findings: '60' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/staff/assessment/weights?saved=1');
    const page = await (await agentFor('supervisor')).get(`/staff/assessment/${quarter}`).expect(200);
    expect(assessmentRows(page.text).map((row) => [row[0], row[row.length - 1]])).toEqual([['区发改委', '90.0'], ['区公安局', '100.0'], ['区行政审批局', '67.2']]);
    expect(text(page.text)).toContain('明察暗访发现问题得分×60');
    const entry = await AuditEntry.findOne({ action: 'assessment.weightsChanged' }).lean();
    expect(entry?.details).toMatchObject({ findings: 60, findingsBefore: 20, substantiated: 20, changed: ['findings'] });
  });

  it('when a weight is not a whole number from 0 to 100, then the form comes back with 422, the message beside it and what was typed, and nothing is stored', async () => {
    const audited = await AuditEntry.countDocuments({ action: 'assessment.weightsChanged' });
    const refused = await setWeights({ ...evenWeights, acceptedOnTime: '150', satisfaction: '3.5' });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/<span class="field-error" id="weight-acceptedOnTime-error">请填写0至100之间的整数。<\/span>\s*<input[^>]*id="weight-acceptedOnTime"[^>]*value="150"/);
    expect(refused.text).toMatch(/id="weight-satisfaction"[^>]*value="3.5"/);
    expect(refused.text).toMatch(/id="weight-findings"[^>]*value="20"/);
    expect(await AssessmentSettings.countDocuments({})).toBe(0);
    expect(await AuditEntry.countDocuments({ action: 'assessment.weightsChanged' })).toBe(audited);
  });
});

describe('who may see it', () => {
  it('when anyone but a supervisor asks for the assessment, its CSV or the weights, then it is refused with 403', async () => {
    for (const role of ['handler', 'intake', 'inspector', 'admin']) {
      const agent = await agentFor(role);
      for (const path of ['/staff/assessment', `/staff/assessment/${quarter}`, `/staff/assessment/${quarter}.csv`, '/staff/assessment/weights']) await agent.get(path).expect(403);
      const csrf = await csrfTokenFrom(agent, '/staff');
      await agent.post('/staff/assessment/weights').type('form').send({ _csrf: csrf, ...evenWeights, findings: '0' }).expect(403);
    }
    expect(await AssessmentSettings.countDocuments({})).toBe(0);
  });

  it('when a period is not one, then 404', async () => {
    const supervisor = await agentFor('supervisor');
    for (const period of ['2026-Q5', '2030', '2026-13', '1999-Q1']) await supervisor.get(`/staff/assessment/${period}`).expect(404);
  });
});

describe('kept up to date', () => {
  it('when a case of the quarter is accepted late and its move recorded, then the next view counts it, without a rebuild', async () => {
    const stored = await Case.findOne({ unitCode: 'gaj', status: 'declined' }).lean();
    const moved = { ...stored!, status: 'closed', acceptedDate: '2026-09-01', workingDaysToAcceptance: 30 };
    await Case.replaceOne({ _id: stored!._id }, moved);
    await recordCaseChange(moved as unknown as CaseLike);
    // Last in this file: the roll-up keeps a case's later state, so the move is not undone.
    const page = await (await agentFor('supervisor')).get(`/staff/assessment/${quarter}`).expect(200);
    expect(assessmentRows(page.text)[1].slice(0, 4)).toEqual(['区公安局', '2', '0 / 0', '1 / 2 50.0分']);
  });
});

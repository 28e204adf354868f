/**
 * The monthly report's draft summary: with known figures the paragraph is
 * exactly the committee's sentence in both languages, changes are labelled
 * 环比 and 同比 with percentages, and an earlier month with none says so
 * instead of a percentage. Through HTTP, the report shows the paragraph
 * built from the roll-up.
 */
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { changeWithPercent, summaryParagraph, type SummaryFigures } from '../../server/oversight/monthly-summary';
import type { Translate } from '../../server/oversight/monthly-report-table';
import { rebuildRollup } from '../../server/oversight/rollup.service';
import { buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { createAccount, signedInAgents } from '../staff/staff-helpers';
import { caseDocument, text } from './oversight-fixtures';
import { Case } from '../../server/cases/case.model';

const t = (lang: 'zh' | 'en'): Translate => (key, options) => translator(lang)(key, options ?? {}) as string;
const figures = (publicReports: number, findings = 0, findingsAwaiting = 0, accepted = 0, concluded = 0, upheld = 0): SummaryFigures => ({ publicReports, accepted, concluded, upheld, findings, findingsAwaiting });

describe('the paragraph', () => {
  const november = figures(56, 12, 2, 40, 30, 9);
  it('when the figures are known, then the Chinese paragraph is the official sentence', () => {
    expect(summaryParagraph('2026年11月', november, figures(51), figures(59), t('zh'))).toBe(
      '2026年11月共收到群众反映56件，环比增加5件，同比减少3件；明察暗访发现问题12个，其中2个尚待决定是否受理；以上共受理40件，办结30件，其中反映属实或部分属实9件。',
    );
  });

  it('when the figures are known, then the English paragraph says the same', () => {
    expect(summaryParagraph('November 2026', november, figures(51), figures(59), t('en'))).toBe(
      'In November 2026 the commission received 56 reports from the public (5 more than the month before, 3 fewer than a year before); the inspection group found 12 problems, 2 of them awaiting a decision on acceptance; of all these, 40 were accepted and 30 concluded, 9 of them substantiated in whole or in part.',
    );
  });

  it('when rectification items were opened in the month, then the paragraph ends with them, as the committee\'s report does', () => {
    expect(summaryParagraph('2026年11月', november, figures(51), figures(59), t('zh'), { opened: 9, closedOnTime: 7 })).toBe(
      '2026年11月共收到群众反映56件，环比增加5件，同比减少3件；明察暗访发现问题12个，其中2个尚待决定是否受理；以上共受理40件，办结30件，其中反映属实或部分属实9件；督促整改问题9个，按期整改到位7个。',
    );
    expect(summaryParagraph('November 2026', november, figures(51), figures(59), t('en'), { opened: 9, closedOnTime: 7 })).toBe(
      'In November 2026 the commission received 56 reports from the public (5 more than the month before, 3 fewer than a year before); the inspection group found 12 problems, 2 of them awaiting a decision on acceptance; of all these, 40 were accepted and 30 concluded, 9 of them substantiated in whole or in part; 9 rectification items were opened for units, 7 of them put right on time.',
    );
  });

  it('when nothing changed and every finding has a decision, then it says so and names no awaiting findings', () => {
    expect(summaryParagraph('2026年11月', figures(1, 1), figures(1), figures(1), t('zh'))).toBe('2026年11月共收到群众反映1件，环比持平，同比持平；明察暗访发现问题1个；以上共受理0件，办结0件，其中反映属实或部分属实0件。');
    expect(summaryParagraph('November 2026', figures(1, 1), figures(1), figures(1), t('en'))).toBe(
      'In November 2026 the commission received 1 report from the public (as many as the month before, as many as a year before); the inspection group found 1 problem; of all these, 0 were accepted and 0 concluded, 0 of them substantiated in whole or in part.',
    );
  });
});

describe('the comparisons', () => {
  it('when the earlier month had cases, then the change comes with its percentage; when it had none, the cell says so', () => {
    expect(changeWithPercent(56, 51, 'monthOnMonth', t('zh'))).toBe('+5（+9.8%）');
    expect(changeWithPercent(56, 59, 'yearOnYear', t('zh'))).toBe('−3（−5.1%）');
    expect(changeWithPercent(3, 0, 'monthOnMonth', t('zh'))).toBe('+3（上月为0，不计算百分比）');
    expect(changeWithPercent(0, 0, 'yearOnYear', t('zh'))).toBe('0（去年同月为0，不计算百分比）');
    expect(changeWithPercent(4, 4, 'monthOnMonth', t('en'))).toBe('0 (0.0%)');
    expect(changeWithPercent(3, 0, 'yearOnYear', t('en'))).toBe('+3 (none a year before: no percentage)');
  });
});

describe('in the monthly report', () => {
  let agentFor: ReturnType<typeof signedInAgents>;
  beforeAll(async () => {
    await useTestDatabase();
    await seedTaxonomy();
    const app = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
    agentFor = signedInAgents(app.app, { supervisor: await createAccount(app.config, { roles: ['supervisor'] }) });
    const month = '2026-11';
    await Case.insertMany([
      caseDocument({ month, unit: 'xzspj', status: 'concluded', accepted: 2, concluded: 8, outcome: 'substantiated' }),
      caseDocument({ month, unit: 'gaj', status: 'accepted', accepted: 3 }),
      caseDocument({ month, unit: 'fgw', status: 'new' }),
      { ...caseDocument({ month, unit: 'fgw', status: 'new' }), channel: 'inspection', inspectionMethod: 'unannounced' },
      caseDocument({ month: '2026-10', unit: 'gaj', status: 'new' }),
    ]);
    await rebuildRollup();
  });
  afterAll(async () => {
    await dropTestDatabase();
  });

  it('when a supervisor opens the month, then the paragraph and the 环比 / 同比 table are built from its figures, in either language', async () => {
    const supervisor = await agentFor('supervisor');
    const page = await supervisor.get('/staff/reports/2026-11').expect(200);
    expect(text(/<p class="summary-paragraph" id="summary-paragraph">([\s\S]*?)<\/p>/.exec(page.text)![1])).toBe(
      '2026年11月共收到群众反映3件，环比增加2件，同比增加3件；明察暗访发现问题1个，其中1个尚待决定是否受理；以上共受理2件，办结1件，其中反映属实或部分属实1件。',
    );
    const section = page.text.slice(page.text.indexOf('id="summary-draft"'));
    const cells = (html: string) => [...html.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => text(cell[1]));
    expect(cells(section.slice(section.indexOf('<thead>'), section.indexOf('</thead>')))).toEqual(['项目', '2026年11月', '2026年10月', '环比', '2025年11月', '同比']);
    const rows = [...section.slice(section.indexOf('<tbody>'), section.indexOf('</tbody>')).matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => cells(row[1]));
    expect(rows).toEqual([
      ['群众反映', '3', '1', '+2（+200.0%）', '0', '+3（去年同月为0，不计算百分比）'],
      ['明察暗访发现问题', '1', '0', '+1（上月为0，不计算百分比）', '0', '+1（去年同月为0，不计算百分比）'],
      ['已受理', '2', '0', '+2（上月为0，不计算百分比）', '0', '+2（去年同月为0，不计算百分比）'],
      ['已办结', '1', '0', '+1（上月为0，不计算百分比）', '0', '+1（去年同月为0，不计算百分比）'],
      ['反映属实或部分属实', '1', '0', '+1（上月为0，不计算百分比）', '0', '+1（去年同月为0，不计算百分比）'],
    ]);
    await supervisor.post('/language').type('form').send({ _csrf: await csrfTokenFrom(supervisor, '/staff/reports/2026-11'), returnTo: '/staff/reports/2026-11', lang: 'en' }).expect(303);
    const english = await supervisor.get('/staff/reports/2026-11').expect(200);
    expect(text(/<p class="summary-paragraph" id="summary-paragraph">([\s\S]*?)<\/p>/.exec(english.text)![1])).toBe(
      'In November 2026 the commission received 3 reports from the public (2 more than the month before, 3 more than a year before); the inspection group found 1 problem, 1 of them awaiting a decision on acceptance; of all these, 2 were accepted and 1 concluded, 1 of them substantiated in whole or in part.',
    );
  });
});

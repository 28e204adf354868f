/**
 * The 2020 rules' steps the workflow missed, over HTTP against the real
 * database: named reports (实名) first among equals in the queue, and the
 * named/anonymous filter; 反馈 recorded by telephone, on the timeline and in
 * the month's figures; 警告 among the measures; the transfer deadline of an
 * accepted case to be transferred; 报送 of a report about commission staff;
 * and the leadership question, which stores nothing.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { Case } from '../../server/cases/case.model';
import { passUpDueDate, transferDueDate } from '../../server/cases/deadlines';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase, openReportForm, postReport, validReport } from '../helpers/reports';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { act, newCase } from '../voice/voice-helpers';
import { insertCases, tableRows } from '../oversight/oversight-fixtures';
import { previousMonth } from '../../server/oversight/months';
import { rebuildRollup } from '../../server/oversight/rollup.service';

const { app, config, commissionPrivateKey } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100' });
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(app, accounts);
const named = { identityChoice: 'confidential', name: '李实名', phone: '13800001111' };
const today = chinaDateOf(new Date());
const month = today.slice(0, 7);

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  accounts.supervisor = await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: commissionPrivateKey });
  accounts.intake = await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: commissionPrivateKey });
});
afterAll(dropTestDatabase);

function positionOf(html: string, reference: string): number {
  const at = html.indexOf(`>${reference}</a>`);
  if (at < 0) throw new Error(`${reference} not in the queue`);
  return at;
}

describe('named reports first (实名优先)', () => {
  it('when a named report and an anonymous one arrive the same day in the same stage, then the named one is listed above, marked 实名, and the filter finds each', async () => {
    // The named one first: it has the lower reference, which alone would put it below.
    const first = await newCase(app, { unit: 'rsj', ...named });
    const second = await newCase(app, { unit: 'rsj' });
    const supervisor = await staff('supervisor');
    for (const sort of ['due', 'received']) {
      const queue = await supervisor.get(`/staff/cases?unit=rsj&sort=${sort}`).expect(200);
      expect(positionOf(queue.text, first.reference)).toBeLessThan(positionOf(queue.text, second.reference));
    }
    const queue = await supervisor.get('/staff/cases?unit=rsj').expect(200);
    expect(queue.text).toContain('class="tag tag-named">实名<');
    const namedOnly = await supervisor.get('/staff/cases?identity=named').expect(200);
    expect(namedOnly.text).toContain(`>${first.reference}</a>`);
    expect(namedOnly.text).not.toContain(`>${second.reference}</a>`);
    const anonymousOnly = await supervisor.get('/staff/cases?identity=anonymous').set('Cookie', 'qf_lang=en').expect(200);
    expect(anonymousOnly.text).toContain(`>${second.reference}</a>`);
    expect(anonymousOnly.text).not.toContain(`>${first.reference}</a>`);
    expect(anonymousOnly.text).toContain('Named or anonymous');
  });

  it('when the report form opens, then it no longer calls anonymity recommended and says named reports come first, in both languages', async () => {
    const zh = await browser(app).get('/report').expect(200);
    expect(zh.text).toContain('实名反映将优先办理，匿名反映同样受理');
    expect(zh.text).not.toContain('推荐');
    const en = await browser(app).get('/report').set('Cookie', 'qf_lang=en').expect(200);
    expect(en.text).toContain('Reports with your name are handled first; anonymous reports are accepted just the same.');
    expect(en.text).not.toContain('recommended');
  });
});

describe('反馈: telling the reporter', () => {
  it('when staff record telling a named reporter of acceptance by telephone, then the case page shows it on the timeline and against its deadline, it is audited, and the month report counts it by way', async () => {
    const { reference } = await newCase(app, named);
    const supervisor = await staff('supervisor');
    expect((await act(supervisor, reference, 'accept')).status).toBe(303);
    const before = await supervisor.get(`/staff/cases/${reference}`).expect(200);
    expect(before.text).toContain('告知受理情况');
    expect(before.text).toMatch(/告知处理结果|期限：/);

    const saved = await act(supervisor, reference, 'feedback', { about: 'acceptance', way: 'telephone', toldOn: today });
    expect(saved.status).toBe(303);
    const page = await supervisor.get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).toContain(`告知反映人（反馈） · 受理情况，电话，${today}`);
    expect(page.text).toContain(`已于${today}通过电话告知`);
    const audit = await AuditEntry.find({ caseRef: reference, action: 'case.feedback' }).lean();
    expect(audit).toHaveLength(1);

    const report = await supervisor.get(`/staff/reports/${month}`).expect(200);
    expect(report.text).toMatch(/<tr class="feedback-telephone"><th scope="row">电话<\/th><td class="num">1<\/td><td class="num">0<\/td><\/tr>/);
    const english = await supervisor.get(`/staff/reports/${month}`).set('Cookie', 'qf_lang=en').expect(200);
    expect(english.text).toContain('Feedback to reporters');

    // Recorded again (a correction): still one case told of acceptance.
    expect((await act(supervisor, reference, 'feedback', { about: 'acceptance', way: 'letter', toldOn: today })).status).toBe(303);
    const again = await supervisor.get(`/staff/reports/${month}`).expect(200);
    expect(again.text).toMatch(/<tr class="feedback-telephone"><th scope="row">电话<\/th><td class="num">0<\/td>/);
    expect(again.text).toMatch(/<tr class="feedback-letter"><th scope="row">书面信函<\/th><td class="num">1<\/td>/);
  });

  it('when the feedback form is wrong (no way, a day in the future, a result not yet there), then it comes back with the message beside the field, what was typed kept, and nothing stored', async () => {
    const { reference } = await newCase(app, named);
    const supervisor = await staff('supervisor');
    expect((await act(supervisor, reference, 'accept')).status).toBe(303);
    const noWay = await act(supervisor, reference, 'feedback', { about: 'acceptance', toldOn: today });
    expect(noWay.status).toBe(422);
    expect(noWay.text).toContain('id="feedback-way-error">请选择告知方式。<');
    expect(noWay.text).toContain(`id="feedback-toldOn" name="toldOn" value="${today}"`);
    const future = await act(supervisor, reference, 'feedback', { about: 'acceptance', way: 'telephone', toldOn: '2099-01-01' });
    expect(future.status).toBe(422);
    expect(future.text).toContain('id="feedback-toldOn-error"');
    const noResult = await act(supervisor, reference, 'feedback', { about: 'result', way: 'telephone', toldOn: today });
    expect(noResult.status).toBe(409);
    const english = await act(supervisor, reference, 'feedback', { about: 'acceptance', way: 'pigeon', toldOn: today });
    expect(english.status).toBe(422);
    const stored = (await Case.findOne({ reference }).lean())!;
    expect(stored.toldAcceptance ?? null).toBeNull();
    expect(await AuditEntry.countDocuments({ caseRef: reference, action: 'case.feedback' })).toBe(0);
  });

  it('when a case has been purged under retention, then recording 反馈 on it is refused (404) and nothing is stored (found in review)', async () => {
    const { reference } = await newCase(app, named);
    const supervisor = await staff('supervisor');
    expect((await act(supervisor, reference, 'accept')).status).toBe(303);
    // The skeleton a purge leaves (retention/): the case's parts gone, its purge day set.
    await Case.updateOne({ reference }, { $set: { purgedDate: today } });
    expect((await act(supervisor, reference, 'feedback', { about: 'acceptance', way: 'telephone', toldOn: today })).status).toBe(404);
    expect((await Case.findOne({ reference }).lean())!.toldAcceptance ?? null).toBeNull();
    expect(await AuditEntry.countDocuments({ caseRef: reference, action: 'case.feedback' })).toBe(0);
  });

  it('when a case is still new, then no feedback form is offered and posting one is refused (409)', async () => {
    const { reference } = await newCase(app, named);
    const supervisor = await staff('supervisor');
    const page = await supervisor.get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).not.toContain(`/staff/cases/${reference}/feedback`);
    expect((await act(supervisor, reference, 'feedback', { about: 'acceptance', way: 'telephone', toldOn: today })).status).toBe(409);
  });
});

describe('警告 among the measures', () => {
  it('when a supervisor concludes with 警告, then it is offered, kept on the case and counted in the month report', async () => {
    const { reference } = await newCase(app);
    const supervisor = await staff('supervisor');
    expect((await act(supervisor, reference, 'accept')).status).toBe(303);
    const page = await supervisor.get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).toContain('<label for="measure-warning">警告</label>');
    expect((await act(supervisor, reference, 'conclude', { outcome: 'substantiated', measures: 'warning', summary: '已给予警告处分。' })).status).toBe(303);
    expect((await Case.findOne({ reference }).lean())!.measures).toEqual(['warning']);
    const report = await supervisor.get(`/staff/reports/${month}`).expect(200);
    const measures = report.text.slice(report.text.indexOf('id="measures"'), report.text.indexOf('id="overdue"'));
    expect(measures).toMatch(/<th scope="row">警告<\/th>\s*<td class="num"><a href="[^"]*measure&#x3D;warning">1<\/a>/);
  });
});

describe('警告 on the public figures', () => {
  it('when a complete month had six cases concluded with 警告, then /figures shows the measure with its count, and the smaller ones as fewer than 5', async () => {
    const last = previousMonth(month);
    await insertCases(Array.from({ length: 6 }, () => ({ month: last, unit: 'gaj', category: 'inaction', status: 'concluded' as const, accepted: 2, concluded: 10, outcome: 'substantiated' as const, measures: ['warning'] })));
    await rebuildRollup();
    const page = await browser(app).get(`/figures/${last}`).expect(200);
    expect(page.text).toContain('<tr class="measure-warning"><th scope="row">警告</th><td class="num">6</td></tr>');
    expect(page.text).toContain('<tr class="measure-talk"><th scope="row">谈话提醒</th><td class="num">少于5件</td></tr>');
    const english = await browser(app).get(`/figures/${last}`).set('Cookie', 'qf_lang=en').expect(200);
    expect(english.text).toContain('<tr class="measure-warning"><th scope="row">Warning</th><td class="num">6</td></tr>');
  });
});

describe('the transfer deadline (转办)', () => {
  it('when an accepted case to be transferred passes its transfer limit, then the case shows overdue and the queue\'s overdue filter finds it; transferring it ends the deadline', async () => {
    const { reference } = await newCase(app);
    const intake = await staff('intake');
    expect((await act(intake, reference, 'accept')).status).toBe(303);
    const supervisor = await staff('supervisor');
    const overdueAccepted = async () => Number(tableRows((await supervisor.get(`/staff/reports/${month}`).expect(200)).text, 'overdue').find(([stage]) => stage === '已受理')?.[1] ?? 0);
    const before = await overdueAccepted();
    // Accepted a month ago: the 5 working days have long passed.
    await Case.updateOne({ reference }, { $set: { acceptedDate: '2026-11-02' } });
    expect((await act(intake, reference, 'planTransfer')).status).toBe(303);
    // Counted overdue in the month report like every other deadline.
    expect(await overdueAccepted()).toBe(before + 1);
    const stored = (await Case.findOne({ reference }).lean())!;
    expect(stored.dueDate).toBe(transferDueDate('2026-11-02'));
    const page = await intake.get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).toMatch(/<dt>转办<\/dt>\s*<dd><span class="light light-red">超期<\/span> 期限：/);
    expect(page.text).toContain(`拟转办 · 转办期限${stored.dueDate}`);
    expect((await intake.get('/staff/cases?overdue=yes').expect(200)).text).toContain(`>${reference}</a>`);
    expect(await AuditEntry.countDocuments({ caseRef: reference, action: 'case.transferPlanned' })).toBe(1);
    // Marked once only.
    expect((await act(intake, reference, 'planTransfer')).status).toBe(409);
    expect((await act(intake, reference, 'transfer', { authority: '区市场监督管理局' })).status).toBe(303);
    expect((await Case.findOne({ reference }).lean())!.dueDate).toBeNull();
    expect((await intake.get('/staff/cases?overdue=yes').expect(200)).text).not.toContain(`>${reference}</a>`);
  });

  it('when a case is accepted and not marked, then its deadline stays the conclusion target', async () => {
    const { reference } = await newCase(app);
    const intake = await staff('intake');
    expect((await act(intake, reference, 'accept')).status).toBe(303);
    const stored = (await Case.findOne({ reference }).lean())!;
    expect(stored.dueDate! > transferDueDate(today)).toBe(true);
  });
});

describe('报送: a report about the commission\'s own staff', () => {
  it('when a supervisor records it as passed up, then the case shows the day against its deadline, the timeline and the audit trail have it, and an intake officer cannot', async () => {
    const { reference } = await newCase(app, { concernsCommission: 'yes' });
    const supervisor = await staff('supervisor');
    const due = passUpDueDate(today);
    const before = await supervisor.get(`/staff/cases/${reference}`).expect(200);
    expect(before.text).toContain(`期限：${due} · 应报送南通市纪委监委`);
    const bad = await act(supervisor, reference, 'passUp', { passedUpOn: '2099-01-01' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="passUp-passedUpOn-error">报送日期应在收到反映之后，且不晚于今天。<');
    expect((await act(await staff('intake'), reference, 'passUp', { passedUpOn: today })).status).toBe(403);
    expect((await act(supervisor, reference, 'passUp', { passedUpOn: today })).status).toBe(303);
    const page = await supervisor.get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).toContain(`已于${today}报送（期限${due}）`);
    expect(page.text).toContain(`报送上级纪委监委 · ${today}报送（期限${due}）`);
    expect((await Case.findOne({ reference }).lean())!.passedUpDate).toBe(today);
    expect(await AuditEntry.countDocuments({ caseRef: reference, action: 'case.passedUp' })).toBe(1);
    expect((await act(supervisor, reference, 'passUp', { passedUpOn: today })).status).toBe(409);
  });

  it('when a case is not about commission staff, then 报送 is neither offered nor taken', async () => {
    const { reference } = await newCase(app);
    const supervisor = await staff('supervisor');
    expect((await supervisor.get(`/staff/cases/${reference}`).expect(200)).text).not.toContain('/passUp"');
    expect((await act(supervisor, reference, 'passUp', { passedUpOn: today })).status).toBe(409);
  });
});

describe('the leadership question', () => {
  it('when a reporter says the report concerns the commission\'s own leadership, then they are told to send it to the city commission, and nothing is stored', async () => {
    const reporter = browser(app);
    const form = await openReportForm(reporter);
    expect((await browser(app).get('/report').expect(200)).text).toContain('所反映的问题是否涉及通州区纪委监委领导班子成员？');
    const before = await dumpDatabase();
    const cases = await Case.countDocuments({});
    const page = await postReport(reporter, form, { ...validReport, ...named, description: '区纪委监委某领导干预案件办理，LEADER-3391。', concernsLeadership: 'yes' }).expect(200);
    expect(page.text).toContain('请直接向南通市纪委监委反映');
    expect(page.text).toContain('0513-12388');
    expect(page.text).not.toContain('tracking-code');
    expect(await Case.countDocuments({})).toBe(cases);
    const after = await dumpDatabase();
    expect(after).not.toContain('LEADER-3391');
    expect(after).not.toContain('13800001111');
    expect(after).toBe(before);
    const english = await postReport(reporter, await openReportForm(reporter), { ...validReport, concernsLeadership: 'yes' }).set('Cookie', 'qf_lang=en').expect(200);
    expect(english.text).toContain('Please report directly to the Nantong city commission');
  });

  it('when the reporter answers no, then the report is stored as before', async () => {
    const { reference } = await newCase(app, { concernsLeadership: 'no' });
    expect(await Case.exists({ reference })).toBeTruthy();
  });
});

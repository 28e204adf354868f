/**
 * Rating the handling, objecting and the review (复查), over HTTP against the
 * real database: what the reporter sees on /track, who among the staff may
 * review, and what the monthly report and /figures count.
 */
import sharp from 'sharp';
import { Case } from '../../server/cases/case.model';
import { AuditEntry } from '../../server/audit/audit.model';
import { CaseMessage } from '../../server/cases/case-message.model';
import { addWorkingDays } from '../../server/cases/working-days';
import { workingCalendar } from '../../server/cases/deadlines';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase } from '../helpers/reports';
import { foldInPendingChanges, rebuildRollup } from '../../server/oversight/rollup.service';
import { storedCounts } from '../../server/oversight/rollup-counts';
import { CaseRating } from '../../server/voice/rating.model';
import { addFormFields, lookUpOk } from '../helpers/tracking';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { act, formFields, newCase, rate } from './voice-helpers';

let app: ReturnType<typeof buildTestApp>;
const accounts: Record<string, TestAccount> = {};
let staff: ReturnType<typeof signedInAgents>;
let photo: Buffer;
const today = () => chinaDateOf(new Date());

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '200', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  staff = signedInAgents(app.app, accounts);
  const key = app.commissionPrivateKey;
  accounts.intake = await createAccount(app.config, { roles: ['intake'], commissionPrivateKeyPem: key });
  // Named so that the concluding one sorts first: the reviewer must still be the other.
  accounts.concluder = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: key, name: '办结人' });
  accounts.reviewer = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: key, name: '复查人' });
  photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } }).png().toBuffer();
});
afterAll(dropTestDatabase);

async function concludedCase(): Promise<{ code: string; reference: string }> {
  const created = await newCase(app.app);
  expect((await act(await staff('intake'), created.reference, 'accept')).status).toBe(303);
  const concluded = await act(await staff('concluder'), created.reference, 'conclude', { outcome: 'notSubstantiated', summary: '经核查，窗口按规定办理。' });
  expect(concluded.status).toBe(303);
  return created;
}

describe('rating the handling', () => {
  it('when a case is not answered yet, then the page does not ask for a rating and a rating posted anyway is refused with 409', async () => {
    const { code } = await newCase(app.app);
    const page = await lookUpOk(browser(app.app), code);
    expect(page.text).not.toContain('action="/track/rate"');
    const agent = browser(app.app);
    const { csrf } = addFormFields((await lookUpOk(agent, code)).text);
    const refused = await agent.post('/track/rate').type('form').send({ _csrf: csrf, code, level: 'satisfied' });
    expect(refused.status).toBe(409);
    expect(await CaseRating.countDocuments({})).toBe(0);
  });

  it('when the reporter sends the rating without choosing a level, then 422 says so beside the field and the comment is kept', async () => {
    const { code } = await concludedCase();
    const refused = await rate(app.app, code, { comment: '处理太慢了，跑了三次' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('id="rating-level-error"');
    expect(refused.text).toContain('请选择满意、基本满意或不满意。');
    expect(refused.text).toContain('处理太慢了，跑了三次');
  });

  it('when the reporter rates 不满意 and objects with a file, then the case is under review with a due date, the concluder gets 403, another supervisor explains, the reporter reads it and the monthly report counts 0 of 1', async () => {
    const { code, reference } = await concludedCase();
    const rated = await rate(app.app, code, { level: 'dissatisfied', comment: 'RATING-COMMENT-4417 答复没有回应我的问题' });
    expect(rated.status).toBe(303);
    expect(rated.headers.location).toBe('/track/case');

    const agent = browser(app.app);
    const page = await lookUpOk(agent, code);
    expect(page.text).not.toContain('action="/track/rate"');
    expect(page.text).toContain('您的评价：不满意');
    const { csrf } = formFields(page.text, '/track/object');
    const refused = await agent.post(`/track/object?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf).field('code', code).field('objection', 'x').expect(422);
    expect(refused.text).toContain('id="objection-objection-error"');
    const objected = await agent.post(`/track/object?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf).field('code', code)
      .field('objection', 'OBJECTION-9921 窗口根本没有按规定办理，我有照片。').attach('evidence', photo, { filename: 'window.png', contentType: 'image/png' });
    expect(objected.status).toBe(303);

    const stored = (await Case.findOne({ reference }).lean())!;
    expect(stored.status).toBe('review');
    expect(stored.dueDate).toBe(addWorkingDays(today(), 15, workingCalendar()));
    expect(stored.reviewerId).toBe(accounts.reviewer.id);
    const objection = await CaseMessage.findOne({ caseId: stored._id, type: 'objection' }).lean();
    expect(objection!.attachmentIds).toHaveLength(1);
    // Sealed: neither the comment nor the objection is in the database in clear.
    const dump = await dumpDatabase();
    expect(dump).not.toContain('RATING-COMMENT-4417');
    expect(dump).not.toContain('OBJECTION-9921');
    // The reporter's act keeps only its day, and is not in the staff audit trail.
    expect(await AuditEntry.countDocuments({ action: 'case.review' })).toBe(0);

    const underReview = await lookUpOk(browser(app.app), code);
    expect(underReview.text).toContain('复查中');
    expect(underReview.text).toContain(stored.dueDate!);

    const concluder = await staff('concluder');
    const concluderPage = await concluder.get(`/staff/cases/${reference}`).expect(200);
    expect(concluderPage.text).not.toContain(`/staff/cases/${reference}/explain`);
    expect(concluderPage.text).toContain('RATING-COMMENT-4417');
    expect((await act(concluder, reference, 'explain', { text: '我自己复查自己' })).status).toBe(403);
    expect((await act(concluder, reference, 'reopen', { reason: '我自己复查自己' })).status).toBe(403);
    // A case under review moves only by the review's actions.
    expect((await act(await staff('intake'), reference, 'close')).status).toBe(409);

    const reviewer = await staff('reviewer');
    const reviewerPage = await reviewer.get(`/staff/cases/${reference}`).expect(200);
    expect(reviewerPage.text).toContain('复查人');
    expect(reviewerPage.text).toContain('OBJECTION-9921');
    const emptyExplanation = await act(reviewer, reference, 'explain', { text: ' ' });
    expect(emptyExplanation.status).toBe(422);
    expect((await act(reviewer, reference, 'explain', { text: 'EXPLAIN-5531 经复查，原办理结论正确，现作说明。' })).status).toBe(303);
    expect((await Case.findOne({ reference }).lean())!.status).toBe('closed');

    const answered = await lookUpOk(browser(app.app), code);
    expect(answered.text).toContain('复查说明');
    expect(answered.text).toContain('EXPLAIN-5531');
    // The answer after review is a new answer: asked about once more, and no objection to the old one.
    expect(answered.text).toContain('action="/track/rate"');
    expect(answered.text).not.toContain('action="/track/object"');

    const report = await reviewer.get(`/staff/reports/${today().slice(0, 7)}`).expect(200);
    const section = report.text.slice(report.text.indexOf('id="satisfaction"'));
    expect(section).toMatch(/区行政审批局<\/th><td class="num">0<\/td><td class="num">0<\/td><td class="num">1<\/td><td class="num satisfaction">0 \/ 1<\/td>/);
  });

  it('when a reporter rates again, then the second rating replaces the first and the case counts once', async () => {
    const { code } = await concludedCase();
    expect((await rate(app.app, code, { level: 'basicallySatisfied' })).status).toBe(303);
    const agent = browser(app.app);
    const page = await lookUpOk(agent, code);
    const { csrf } = addFormFields(page.text);
    expect((await agent.post('/track/rate').type('form').send({ _csrf: csrf, code, level: 'satisfied' })).status).toBe(303);
    const report = await (await staff('reviewer')).get(`/staff/reports/${today().slice(0, 7)}`).expect(200);
    const section = report.text.slice(report.text.indexOf('id="satisfaction"'));
    // This case (now satisfied) and the earlier test's (not satisfied): two ratings, one satisfied.
    expect(section).toMatch(/区行政审批局<\/th><td class="num">1<\/td><td class="num">0<\/td><td class="num">1<\/td><td class="num satisfaction">1 \/ 2<\/td>/);
  });
});

describe('new information on an answered case', () => {
  it('when the reporter adds information after the case was closed, then it goes to review, and the reviewer may reopen it with a new deadline', async () => {
    const { code, reference } = await concludedCase();
    expect((await act(await staff('intake'), reference, 'close')).status).toBe(303);
    const agent = browser(app.app);
    const page = await lookUpOk(agent, code);
    const fields = addFormFields(page.text);
    const added = await agent.post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`).field('_csrf', fields.csrf).field('code', code).field('message', '结案后我又发现了新的情况。');
    expect(added.status).toBeLessThan(400);
    const review = (await Case.findOne({ reference }).lean())!;
    expect(review.status).toBe('review');
    expect((await lookUpOk(browser(app.app), code)).text).toContain('结案后补充新情况，进入复查');

    expect((await act(await staff('concluder'), reference, 'reopen', { reason: '新情况需要核实' })).status).toBe(403);
    expect((await act(await staff('reviewer'), reference, 'reopen', { reason: '新情况需要核实' })).status).toBe(303);
    const reopened = (await Case.findOne({ reference }).lean())!;
    expect(reopened.status).toBe('investigating');
    expect(reopened.outcome).toBeNull();
    expect(reopened.dueDate).not.toBeNull();
    expect(reopened.dueDate! > today()).toBe(true);
    const reporterPage = await lookUpOk(browser(app.app), code);
    expect(reporterPage.text).toContain('复查后重新调查核实');

    // The moves back (into review, reopening) are later states for the roll-up: folding them in gives what a recount from the cases gives.
    const month = today().slice(0, 7);
    await foldInPendingChanges();
    const folded = await storedCounts(month, ['status', 'outcome', 'total']);
    await rebuildRollup({ months: [month] });
    expect(await storedCounts(month, ['status', 'outcome', 'total'])).toEqual(folded);
    expect(folded.get('status')!.get('investigating')!.n).toBe(1);
  });
});

describe('a rating on a case whose clear fields were altered', () => {
  it('when a case is made to look like one about the commission in the database, then its page shows the rating comment no more than its report', async () => {
    const { code, reference } = await concludedCase();
    expect((await rate(app.app, code, { level: 'dissatisfied', comment: 'TAMPERED-RATING-6610 答复敷衍' })).status).toBe(303);
    const supervisor = await staff('reviewer');
    expect((await supervisor.get(`/staff/cases/${reference}`).expect(200)).text).toContain('TAMPERED-RATING-6610');

    await Case.updateOne({ reference }, { $set: { concernsCommission: true } });
    const page = await supervisor.get(`/staff/cases/${reference}`).expect(200);
    expect(page.text).not.toContain('TAMPERED-RATING-6610');
  });
});

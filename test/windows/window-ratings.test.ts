/**
 * Service-window ratings over HTTP against the real database: an
 * administrator registers window 3 and opens its poster; a resident rates it
 * 非常不满意 with a comment and gets a case (channel window, the window's
 * unit, due in 15 working days, in the staff queue) and a tracking code
 * shown once; twenty 满意 are only counted; the counts reach the monthly
 * report, /figures (small counts suppressed) and the unit assessment's
 * function. Bad input, unknown windows, the honeypot and the limits, as a
 * resident or an attacker sees them.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { addWorkingDays } from '../../server/cases/working-days';
import { workingCalendar } from '../../server/cases/deadlines';
import { chinaDateOf } from '../../server/lib/china-time';
import { translator } from '../../server/lib/i18n';
import { currentMonth, previousMonth } from '../../server/oversight/months';
import { countWindowRating, windowMonthCounts } from '../../server/windows/window-counts.model';
import { windowRatingFiguresByUnit } from '../../server/windows/window-figures';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase, storedCaseOf, trackingCodeIn } from '../helpers/reports';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { openRating, rateWindow, registerWindow, switchToEnglish, windowThree } from './window-helpers';

const testApp = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(testApp.app, accounts);
const today = chinaDateOf(new Date());
let windowId: string;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  accounts.admin = await createAccount(testApp.config, { roles: ['admin'] });
  accounts.supervisor = await createAccount(testApp.config, { roles: ['supervisor'], commissionPrivateKeyPem: testApp.commissionPrivateKey });
});
afterAll(dropTestDatabase);

describe('registering windows', () => {
  it('when an administrator registers window 3, then it is listed with its short address, its poster has an inline QR code and the address, and both are audited', async () => {
    const admin = await staff('admin');
    windowId = await registerWindow(admin);
    const list = await admin.get('/staff/admin/windows').expect(200);
    expect(list.text).toContain(`/w/${windowId}`);
    expect(list.text).toContain('区政务服务中心一楼');
    const poster = await admin.get(`/staff/admin/windows/${windowId}/poster`).expect(200);
    expect(poster.text).toContain('<svg class="poster-qr"');
    expect(poster.text).toContain(`${testApp.config.publicUrl}/w/${windowId}`.replace(/^https?:\/\//, ''));
    expect(poster.text).not.toMatch(/<img[^>]+src="https?:/);
    const audit = (await AuditEntry.find({}).lean()).filter((entry) => entry.action.startsWith('window.'));
    expect(audit.map((entry) => entry.action).sort()).toEqual(['window.posterOpened', 'window.registered']);
    expect(audit.every((entry) => entry.actor === accounts.admin.id)).toBe(true);
  });

  it('when the form is incomplete or names a window already registered, then it comes back (422, 409) with the message beside the field and what was typed, and nothing is stored', async () => {
    const admin = await staff('admin');
    const { csrfTokenFrom } = await import('../helpers/app');
    const token = await csrfTokenFrom(admin, '/staff/admin/windows');
    const missing = await admin.post('/staff/admin/windows').type('form').send({ _csrf: token, unit: 'xzspj', hall: '东区分中心', number: '' }).expect(422);
    expect(missing.text).toContain('id="window-number-error"');
    expect(missing.text).toContain('请填写窗口号');
    expect(missing.text).toContain('value="东区分中心"');
    const again = await admin.post('/staff/admin/windows').type('form').send({ _csrf: token, ...windowThree }).expect(409);
    expect(again.text).toContain('该单位在该大厅的这个窗口号已登记');
    const { ServiceWindow } = await import('../../server/windows/service-window.model');
    expect(await ServiceWindow.countDocuments()).toBe(1);
  });

  it('when someone who is not an administrator opens the windows or a poster, then 403', async () => {
    const supervisor = await staff('supervisor');
    await supervisor.get('/staff/admin/windows').expect(403);
    await supervisor.get(`/staff/admin/windows/${windowId}/poster`).expect(403);
    await browser(testApp.app).get('/staff/admin/windows').expect(303);
  });
});

describe('rating a window', () => {
  let reference: string;

  it('when a resident chooses 非常不满意 with 「跑了三次」, then a case of channel window, the window\'s unit, due in 15 working days, is in the staff queue, and the code is shown once on the web form\'s confirmation', async () => {
    const resident = browser(testApp.app);
    const sent = await rateWindow(resident, windowId, { level: 'veryDissatisfied', comment: '跑了三次' }).expect(303);
    expect(sent.headers.location).toBe('/report/received');
    const confirmation = await resident.get('/report/received').expect(200);
    const code = trackingCodeIn(confirmation.text);
    expect(code).toMatch(/^\d{20}$/);
    const stored = await storedCaseOf(code);
    expect(stored).toMatchObject({ channel: 'window', unitCode: 'xzspj', status: 'new', hasIdentity: false, receivedDate: today, reporterType: 'undisclosed' });
    expect(stored!.dueDate).toBe(addWorkingDays(today, 15, workingCalendar()));
    reference = stored!.reference;
    // Sealed: neither the comment nor the window's hall is in the database in clear.
    const dump = await dumpDatabase();
    expect(dump).not.toContain('跑了三次');
    const queue = await (await staff('supervisor')).get('/staff/cases').expect(200);
    expect(queue.text).toContain(reference);
    expect(queue.text).toContain('窗口评价');
    expect(queue.text).toContain(stored!.dueDate);
    const counts = await windowMonthCounts(currentMonth());
    expect(counts.get(windowId)?.counts.veryDissatisfied).toBe(1);
  });

  it('when twenty residents choose 满意, then each is thanked, no case is made and the window counts twenty', async () => {
    const casesBefore = await Case.countDocuments();
    for (let person = 0; person < 20; person += 1) {
      const sent = await rateWindow(browser(testApp.app), windowId, { level: 'satisfied', comment: person === 0 ? '办得很快' : '' }).expect(303);
      expect(sent.headers.location).toBe(`/w/${windowId}/thanks`);
    }
    expect(await Case.countDocuments()).toBe(casesBefore);
    const counts = await windowMonthCounts(currentMonth());
    expect(counts.get(windowId)).toEqual({ unit: 'xzspj', counts: { verySatisfied: 0, satisfied: 20, basicallySatisfied: 0, dissatisfied: 0, veryDissatisfied: 1 } });
    expect(await dumpDatabase()).not.toContain('办得很快');
  });

  it('when 不满意 comes without a comment, then it is only counted', async () => {
    const casesBefore = await Case.countDocuments();
    const sent = await rateWindow(browser(testApp.app), windowId, { level: 'dissatisfied', comment: '' }).expect(303);
    expect(sent.headers.location).toBe(`/w/${windowId}/thanks`);
    expect(await Case.countDocuments()).toBe(casesBefore);
  });

  it('when the monthly report and the unit assessment read the month, then they show the counts by level per unit and per window', async () => {
    const month = currentMonth();
    const report = await (await staff('supervisor')).get(`/staff/reports/${month}`).expect(200);
    const unitRow = /<tr class="window-unit-row"><th scope="row">区行政审批局<\/th>((?:<td class="num">\d+<\/td>){6})<\/tr>/.exec(report.text);
    expect(unitRow?.[1].match(/\d+/g)).toEqual(['0', '20', '0', '1', '1', '22']);
    expect(report.text).toMatch(/<tr class="window-row"><th scope="row">区行政审批局 · 区政务服务中心一楼 · 3号窗口<\/th>/);
    expect(await windowRatingFiguresByUnit([month, previousMonth(month)])).toEqual([
      { unit: 'xzspj', levels: { verySatisfied: 0, satisfied: 20, basicallySatisfied: 0, dissatisfied: 1, veryDissatisfied: 1 }, total: 22 },
    ]);
  });

  it('when /figures shows a complete month, then the window ratings per unit and level follow the small-count rule', async () => {
    const month = previousMonth(currentMonth());
    for (let i = 0; i < 7; i += 1) await countWindowRating(month, windowId, 'xzspj', 'satisfied');
    for (let i = 0; i < 6; i += 1) await countWindowRating(month, windowId, 'xzspj', 'verySatisfied');
    await countWindowRating(month, windowId, 'xzspj', 'dissatisfied');
    const page = await browser(testApp.app).get(`/figures/${month}`).expect(200);
    const fewerThanFive = translator('zh')('oversight.figures.fewerThanFive');
    const rows = [...page.text.matchAll(/<tr class="window-rating-row"><th scope="row">([^<]+)<\/th><td class="num">([^<]+)<\/td><\/tr>/g)].map((match) => [match[1], match[2]]);
    expect(rows).toEqual([
      ['区行政审批局：非常满意', '6'],
      ['区行政审批局：满意', '7'],
      ['区行政审批局：基本满意', fewerThanFive],
      ['区行政审批局：不满意', fewerThanFive],
      ['区行政审批局：非常不满意', fewerThanFive],
    ]);
  });
  it('when the same form is sent twice (a double tap), then it counts once', async () => {
    const resident = browser(testApp.app);
    const form = await openRating(resident, windowId);
    const before = (await windowMonthCounts(currentMonth())).get(windowId)!.counts.basicallySatisfied;
    await rateWindow(resident, windowId, { level: 'basicallySatisfied' }, form).expect(303);
    await rateWindow(resident, windowId, { level: 'basicallySatisfied' }, form).expect(303);
    expect((await windowMonthCounts(currentMonth())).get(windowId)!.counts.basicallySatisfied).toBe(before + 1);
    await rateWindow(resident, windowId, { level: 'basicallySatisfied' }).expect(303);
    expect((await windowMonthCounts(currentMonth())).get(windowId)!.counts.basicallySatisfied).toBe(before + 2);
  });
});

describe('what the page refuses', () => {
  it('when no level is chosen, then the form comes back (422) with the message beside the levels and the comment kept, nothing counted', async () => {
    const before = await windowMonthCounts(currentMonth());
    const page = await rateWindow(browser(testApp.app), windowId, { comment: '排队太久' }).expect(422);
    expect(page.text).toContain('id="level-error"');
    expect(page.text).toContain('请选择一项评价');
    expect(page.text).toContain('排队太久</textarea>');
    expect(await windowMonthCounts(currentMonth())).toEqual(before);
  });

  it('when the honeypot is filled, or the CSRF token is missing, then nothing is counted', async () => {
    const before = await windowMonthCounts(currentMonth());
    await rateWindow(browser(testApp.app), windowId, { level: 'satisfied', contactNotes: 'http://spam.example' }).expect(400);
    const agent = browser(testApp.app);
    const { formToken } = await openRating(agent, windowId);
    await agent.post(`/w/${windowId}`).type('form').send({ formToken, level: 'satisfied' }).expect(403);
    expect(await windowMonthCounts(currentMonth())).toEqual(before);
  });

  it('when a window does not exist, then a 404 page says so, in Chinese and in English', async () => {
    const zh = await browser(testApp.app).get('/w/zzzzzz').expect(404);
    expect(zh.text).toContain('未找到该服务窗口');
    const english = browser(testApp.app);
    await switchToEnglish(english);
    const en = await english.get('/w/not-a-window').expect(404);
    expect(en.text).toContain('Service window not found');
    await english.post('/w/zzzzzz').type('form').send({}).expect(403);
  });

  it('when the page is read in English, then the levels and the window are named in English', async () => {
    const english = browser(testApp.app);
    await switchToEnglish(english);
    const page = await english.get(`/w/${windowId}`).expect(200);
    expect(page.text).toContain('Very dissatisfied');
    expect(page.text).toContain('District Administrative Approval Bureau');
    const sent = await rateWindow(english, windowId, { level: 'basicallySatisfied' }).expect(303);
    expect((await english.get(sent.headers.location).expect(200)).text).toContain('Thank you for your rating');
  });
});

describe('limits', () => {
  it('when one person rates again and again, then they are stopped (429, comment kept) while another person in the same hall, behind the same address, still can', async () => {
    const limited = buildTestApp({ WINDOW_RATINGS_PER_HOUR_PER_CLIENT: '2' });
    const person = browser(limited.app);
    await rateWindow(person, windowId, { level: 'satisfied' }).expect(303);
    await rateWindow(person, windowId, { level: 'satisfied' }).expect(303);
    const refused = await rateWindow(person, windowId, { level: 'dissatisfied', comment: '再试一次' }).expect(429);
    expect(refused.text).toContain('提交次数过多');
    expect(refused.text).toContain('再试一次</textarea>');
    expect(refused.headers['retry-after']).toBeDefined();
    await rateWindow(browser(limited.app), windowId, { level: 'satisfied' }).expect(303);
  });

  it('when one window has had its hour\'s ratings, then it says so, and the other windows can still be rated', async () => {
    const otherWindow = await registerWindow(await staff('admin'), { unit: 'xzspj', hall: '区政务服务中心一楼', number: '4' });
    const capped = buildTestApp({ WINDOW_RATINGS_PER_HOUR_PER_WINDOW: '2' });
    await rateWindow(browser(capped.app), windowId, { level: 'satisfied' }).expect(303);
    await rateWindow(browser(capped.app), windowId, { level: 'satisfied' }).expect(303);
    const refused = await rateWindow(browser(capped.app), windowId, { level: 'satisfied' }).expect(429);
    // The window's count is everyone's: it is in no header.
    expect(String(refused.headers.ratelimit ?? '')).not.toContain('window-window');
    expect(refused.text).toContain('提交次数过多');
    await rateWindow(browser(capped.app), otherWindow, { level: 'satisfied' }).expect(303);
  });
});

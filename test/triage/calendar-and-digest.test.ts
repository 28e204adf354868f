import { Types } from 'mongoose';
import { Case } from '../../server/cases/case.model';
import { workingCalendar } from '../../server/cases/deadlines';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { sendDailyDigestIfDue } from '../../server/triage/daily-digest.service';
import { isWorkingDay } from '../../server/cases/working-days';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { createAccount, signIn } from '../staff/staff-helpers';

const { app, config } = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

describe('the working-day calendar', () => {
  it('when an administrator adds the published 2027 arrangement, then deadlines use it; when the entry is invalid, then nothing changes; others get 403', async () => {
    const admin = browser(app);
    await signIn(admin, await createAccount(config, { roles: ['admin'] }));
    const token = await csrfTokenFrom(admin, '/staff/admin/calendar');
    expect(isWorkingDay('2027-02-09', workingCalendar())).toBe(true);

    const invalid = await admin.post('/staff/admin/calendar').type('form').send({ _csrf: token, year: '2027', holidays: '2027-02-30', workdays: '', source: '通知' }).expect(422);
    // Each wrong date beside its own list, in the page's language (they were English sentences in one box).
    expect(invalid.text).toMatch(/<span class="field-error" id="holidays-error">以下放假日期有误，条目未保存：<\/span><ul class="field-error" id="holidays-problems"><li>2027-02-30不是有效日期（格式为2027-02-05）<\/li><\/ul>/);
    expect(invalid.text).toMatch(/id="holidays"[^>]*aria-invalid="true"/);
    expect(invalid.text).toContain('>2027-02-30</textarea>');
    const weekday = await admin.post('/staff/admin/calendar').set('Cookie', 'qf_lang=en').type('form').send({ _csrf: token, year: '2027', holidays: '', workdays: '2027-02-17', source: 'notice' }).expect(422);
    expect(weekday.text).toContain('<li>2027-02-17 is not a Saturday or Sunday, so it needs no make-up working day</li>');
    expect(weekday.text).toContain('href="#workdays"');
    const badYear = await admin.post('/staff/admin/calendar').type('form').send({ _csrf: token, year: '1999', holidays: '', workdays: '', source: '' }).expect(422);
    expect(badYear.text).toContain('id="year-error">请填写2020至2100之间的年份。<');
    expect(badYear.text).toContain('id="source-error">请填写依据（例如国务院办公厅通知的文号），不超过300字。<');
    expect(isWorkingDay('2027-02-09', workingCalendar())).toBe(true);

    await admin.post('/staff/admin/calendar').type('form').send({ _csrf: token, year: '2027', holidays: '2027-02-09, 2027-02-10', workdays: '2027-02-20', source: '国务院办公厅通知（测试）' }).expect(303);
    expect(isWorkingDay('2027-02-09', workingCalendar())).toBe(false);
    expect(isWorkingDay('2027-02-20', workingCalendar())).toBe(true);
    expect((await admin.get('/staff/admin/calendar').expect(200)).text).toContain('国务院办公厅通知（测试）');

    const handler = browser(app);
    await signIn(handler, await createAccount(config, { roles: ['handler', 'supervisor'] }));
    await handler.get('/staff/admin/calendar').expect(403);
  });
});

describe('the daily digest', () => {
  it('when the morning comes, then each supervisor gets one digest with counts and overdue references only, and a second run that day sends nothing', async () => {
    const supervisor = await createAccount(config, { roles: ['supervisor'] });
    const base = { lookupId: 'x', kind: 'complaint', reporterType: 'resident', unitCode: 'xzspj', categoryCode: 'favours', receivedAt: new Date(), receivedDate: '2026-11-02', monthKey: '2026-11', acceptDueDate: '2026-11-23', keys: { sealedForCommission: { keyId: 'k', ephemeralPublicKey: 'e', box: 'b' }, wrappedForReporter: 'w' }, sealed: { report: Buffer.from('sealed') } };
    await Case.create([
      { ...base, _id: new Types.ObjectId(), lookupId: 'l1', reference: 'TZ-2026-09001', dueDate: '2026-11-20' },
      { ...base, _id: new Types.ObjectId(), lookupId: 'l2', reference: 'TZ-2026-09002', dueDate: '2026-12-30' },
      { ...base, _id: new Types.ObjectId(), lookupId: 'l3', reference: 'TZ-2026-09003', dueDate: null, status: 'closed' },
    ]);
    const morning = new Date('2026-11-27T01:30:00Z'); // 09:30 in China
    expect(await sendDailyDigestIfDue('https://qingfeng.example', new Date('2026-11-26T22:00:00Z'))).toBe(false); // 06:00: too early
    expect(await sendDailyDigestIfDue('https://qingfeng.example', morning)).toBe(true);
    expect(await sendDailyDigestIfDue('https://qingfeng.example', morning)).toBe(false);
    const mails = await OutboxMail.find({ template: 'dailyDigest' }).lean();
    expect(mails.map((mail) => mail.to)).toContain(supervisor.email);
    const mail = mails.find((entry) => entry.to === supervisor.email)!;
    expect(mail.text).toContain('TZ-2026-09001');
    expect(mail.text).not.toContain('TZ-2026-09002');
    expect(mail.text).not.toContain('xzspj');
  });
});

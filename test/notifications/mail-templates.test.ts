import { digestListLimit, renderMail } from '../../server/notifications/mail-templates';

const publicUrl = 'https://qingfeng.example.cn/';

describe('mail templates', () => {
  it('when a case is assigned, then the handler gets the reference and the staff link, in Chinese by default', () => {
    const mail = renderMail('caseAssigned', { publicUrl, reference: 'TZ-2026-00042' });
    expect(mail.subject).toBe('【清风通州】案件 TZ-2026-00042 已分配给您');
    expect(mail.text).toContain('https://qingfeng.example.cn/staff/cases/TZ-2026-00042');
    expect(mail.text).not.toContain('//staff');
  });

  it('when English is asked for, then the same mail comes in English', () => {
    const mail = renderMail('newCase', { publicUrl, reference: 'TZ-2026-00042' }, 'en');
    expect(mail.subject).toBe('[Qingfeng Tongzhou] New report received: TZ-2026-00042');
    expect(mail.text).toContain('Case reference: TZ-2026-00042');
  });

  it('when a reporter is told of an update, then the mail holds only the tracking page link: no reference, even if a caller passes one', () => {
    const data = { publicUrl, reference: 'TZ-2026-00042', unitCode: 'unit-housing-bureau' } as unknown as { publicUrl: string };
    const mail = renderMail('reporterUpdate', data);
    expect(mail.text).toContain('https://qingfeng.example.cn/track');
    for (const forbidden of ['TZ-', 'unit-housing-bureau', '/staff']) {
      expect(mail.subject + mail.text).not.toContain(forbidden);
    }
  });

  it('when the daily digest is built, then it gives the counts by traffic light and links the overdue references, and lists at most the limit', () => {
    const overdueReferences = Array.from({ length: digestListLimit + 3 }, (_, index) => `TZ-2026-${String(index + 1).padStart(5, '0')}`);
    const mail = renderMail('dailyDigest', { publicUrl, date: '2026-03-02', counts: { green: 12, amber: 3, red: overdueReferences.length }, overdueReferences });
    expect(mail.subject).toBe('【清风通州】每日办理提醒 2026-03-02');
    expect(mail.text).toContain('绿灯（期限内）：12 件');
    expect(mail.text).toContain('黄灯（临近期限）：3 件');
    expect(mail.text).toContain(`红灯（已超期）：${digestListLimit + 3} 件`);
    expect(mail.text).toContain(`TZ-2026-00001  https://qingfeng.example.cn/staff/cases/TZ-2026-00001`);
    expect(mail.text).toContain(`TZ-2026-000${digestListLimit}`);
    expect(mail.text).not.toContain(`TZ-2026-000${digestListLimit + 1}`);
    expect(mail.text).toContain('另有 3 件已超期案件');
  });

  it('when nothing is overdue, then the digest says so', () => {
    const mail = renderMail('dailyDigest', { publicUrl, date: '2026-03-02', counts: { green: 1, amber: 0, red: 0 }, overdueReferences: [] }, 'en');
    expect(mail.text).toContain('No case is overdue.');
  });

  it('when a caller passes something other than a reference, a date or a count, then rendering refuses', () => {
    expect(() => renderMail('newCase', { publicUrl, reference: '住建局某科长索要好处' })).toThrow(TypeError);
    expect(() => renderMail('newCase', { publicUrl, reference: 'TZ-2026-00042\nBcc: x@example.com' })).toThrow(TypeError);
    expect(() => renderMail('dailyDigest', { publicUrl, date: 'today', counts: { green: 0, amber: 0, red: 0 }, overdueReferences: [] })).toThrow(TypeError);
    expect(() => renderMail('dailyDigest', { publicUrl, date: '2026-03-02', counts: { green: 0, amber: 0, red: 0 }, overdueReferences: ['unit-housing-bureau'] })).toThrow(TypeError);
    expect(() => renderMail('newCase', { publicUrl: 'javascript:alert(1)', reference: 'TZ-2026-00042' })).toThrow(TypeError);
    expect(() => renderMail('nope' as 'newCase', { publicUrl, reference: 'TZ-2026-00042' })).toThrow(TypeError);
  });
});

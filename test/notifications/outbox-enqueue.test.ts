import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMailTransport } from '../../server/notifications/mail-transport';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { enqueueMail } from '../../server/notifications/outbox.service';
import { startOutboxWorker } from '../../server/notifications/outbox-worker';
import { testConfig } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { capturingLogger } from './outbox-fixture';
import { decodeMessage } from '../helpers/smtp-server';

const publicUrl = 'https://qingfeng.example.cn';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-outbox-'));

beforeAll(useTestDatabase);
afterAll(async () => {
  await dropTestDatabase();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => OutboxMail.deleteMany({}));

describe('enqueueing', () => {
  it('when a mail is enqueued, then one pending mail is stored with its rendered text, due now, and nothing is sent yet', async () => {
    const before = Date.now();
    const mailId = await enqueueMail({ to: 'intake@jw.tongzhou.example.cn', template: 'newCase', data: { publicUrl, reference: 'TZ-2026-00070' } });
    const stored = await OutboxMail.findById(mailId).lean();
    expect(stored).toEqual(expect.objectContaining({ to: 'intake@jw.tongzhou.example.cn', template: 'newCase', status: 'pending', attempts: 0, caseId: null, sentAt: null }));
    expect(stored!.subject).toBe('【清风通州】收到新的反映 TZ-2026-00070');
    expect(stored!.text).toContain(`${publicUrl}/staff/cases/TZ-2026-00070`);
    expect(stored!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(stored!.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('when the recipient is not exactly one plain address, then nothing is stored', async () => {
    for (const to of ['a@example.com, b@example.com', '张三 <a@example.com>', 'a@example.com\nBcc: b@example.com', '']) {
      await expect(enqueueMail({ to, template: 'reporterUpdate', data: { publicUrl } })).rejects.toThrow(TypeError);
    }
    expect(await OutboxMail.countDocuments({})).toBe(0);
  });
});

describe('without SMTP_URL', () => {
  it('when the worker sends, then the mail is written as DATA_DIR/outbox/<mail id>.eml, readable by the portal user only', async () => {
    const { config } = testConfig({ DATA_DIR: dataDir, PUBLIC_URL: publicUrl });
    expect(config.mail.smtpUrl).toBeUndefined();
    const transport = createMailTransport(config);
    const worker = startOutboxWorker({ transport, logger: capturingLogger().logger, intervalMs: 3_600_000 });
    const mailId = await enqueueMail({ to: 'handler@jw.tongzhou.example.cn', template: 'caseAssigned', data: { publicUrl, reference: 'TZ-2026-00071' } });

    await expect(worker.runOnce()).resolves.toBe(1);
    await worker.stop();

    expect(transport.kind).toBe('file');
    const file = path.join(dataDir, 'outbox', `${mailId.toHexString()}.eml`);
    expect(readdirSync(path.join(dataDir, 'outbox'))).toEqual([`${mailId.toHexString()}.eml`]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const message = decodeMessage(readFileSync(file, 'utf8'));
    expect(message.headers.get('to')).toBe('handler@jw.tongzhou.example.cn');
    expect(message.headers.get('from')).toBe(config.mail.from);
    expect(message.subject).toBe('【清风通州】案件 TZ-2026-00071 已分配给您');
    expect(message.text).toContain(`${publicUrl}/staff/cases/TZ-2026-00071`);
    expect(await OutboxMail.findById(mailId).lean()).toEqual(expect.objectContaining({ status: 'sent' }));
  });
});

describe('sending straight through the transport', () => {
  it('when a mail is sent without the outbox under an id of its own, then it is written under that id; an id that could leave the folder is refused', async () => {
    const transport = createMailTransport(testConfig({ DATA_DIR: dataDir, PUBLIC_URL: publicUrl }).config);
    const mail = { to: 'reporter@example.com', subject: 'subject', text: 'text' };

    await transport.send({ ...mail, mailId: 'reporter-update-2f1c0a4e-7b1d-4c36-9d0e-1a2b3c4d5e6f' });

    const written = readFileSync(path.join(dataDir, 'outbox', 'reporter-update-2f1c0a4e-7b1d-4c36-9d0e-1a2b3c4d5e6f.eml'), 'utf8');
    expect(decodeMessage(written).headers.get('message-id')).toBe('<reporter-update-2f1c0a4e-7b1d-4c36-9d0e-1a2b3c4d5e6f@qingfeng.invalid>');
    expect(written).toContain('reporter@example.com'); // not a reporter's notice: written as given

    await transport.send({ ...mail, to: 'reporter.private@example.com', mailId: 'reporter-update-3e2d1c0b', toReporter: true });
    const notice = readFileSync(path.join(dataDir, 'outbox', 'reporter-update-3e2d1c0b.eml'), 'utf8');
    expect(notice).not.toContain('reporter.private');
    expect(decodeMessage(notice).headers.get('to')).toBe('reporter-address-withheld@qingfeng.invalid');
    for (const mailId of ['../escape', 'a/b', '', 'x'.repeat(81), 'id with space']) {
      await expect(transport.send({ ...mail, mailId })).rejects.toThrow(TypeError);
    }
    expect(readdirSync(dataDir)).toEqual(['outbox']);
  });
});

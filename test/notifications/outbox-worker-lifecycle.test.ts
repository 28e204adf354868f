import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { createMailTransport, type MailTransport } from '../../server/notifications/mail-transport';
import { OutboxClaim } from '../../server/notifications/outbox-claim.model';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { enqueueMail } from '../../server/notifications/outbox.service';
import { startOutboxWorker, type OutboxWorker } from '../../server/notifications/outbox-worker';
import { testConfig } from '../helpers/app';
import { dropTestDatabase, testDatabaseUri, useTestDatabase } from '../helpers/database';
import { capturingLogger, letTimePass } from './outbox-fixture';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';

const publicUrl = 'https://qingfeng.example.cn';
const { logger, logLines } = capturingLogger();

let databaseName: string;
let smtp: TestSmtpServer;
let transport: MailTransport;
let worker: OutboxWorker | undefined;

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  databaseName = await useTestDatabase();
  smtp = await startSmtpServer();
  transport = createMailTransport(testConfig({ SMTP_URL: smtp.url, PUBLIC_URL: publicUrl }).config);
});

afterAll(async () => {
  transport.close();
  await smtp.close();
  await dropTestDatabase();
});

beforeEach(async () => {
  Object.assign(smtp, { refuseConnections: false, dataDelayMs: 0 });
  smtp.messages.length = 0;
  smtp.rejectedRecipients.clear();
  logLines.length = 0;
  await OutboxMail.deleteMany({});
  await OutboxClaim.deleteMany({});
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

describe('outbox worker logs', () => {
  it('when mails are sent, retried, refused and given up, then the log lines carry ids, templates, attempts and codes, and no address, subject or body', async () => {
    worker = startOutboxWorker({ transport, logger, intervalMs: 3_600_000 });
    const handler = 'wang.handler@jw.tongzhou.example.cn';
    const reporter = 'reporter.li@example.com';
    smtp.rejectedRecipients.add(reporter);
    await enqueueMail({ to: handler, template: 'caseAssigned', data: { publicUrl, reference: 'TZ-2026-00060' } });
    await enqueueMail({ to: reporter, template: 'reporterUpdate', data: { publicUrl }, lang: 'en' });
    await worker.runOnce();
    const retried = await enqueueMail({ to: handler, template: 'newCase', data: { publicUrl, reference: 'TZ-2026-00061' } });
    await OutboxMail.updateOne({ _id: retried }, { $set: { attempts: 18 } });
    smtp.refuseConnections = true;
    await worker.runOnce();
    await letTimePass();
    await worker.runOnce();

    const logged = logLines.join('');
    expect(logged).toContain('"msg":"mail sent"');
    expect(logged).toContain('"msg":"mail not sent; will retry"');
    expect(logged).toContain('"msg":"mail failed; giving up"');
    for (const secret of [handler, reporter, 'example.com', 'wang.handler', 'TZ-2026-0006', publicUrl, '/track', '清风通州', 'Qingfeng', '案件', 'update', 'unavailable', 'Mailbox']) {
      expect(logged).not.toContain(secret);
    }
    const allowed = new Set(['level', 'time', 'msg', 'mailId', 'template', 'attempts', 'error', 'transport', 'intervalMs', 'batchSize']);
    for (const line of logLines) {
      expect(Object.keys(JSON.parse(line)).filter((key) => !allowed.has(key))).toEqual([]);
    }
  });
});

describe('outbox worker lifecycle', () => {
  it('when started with an interval, then due mails go out without anyone asking', async () => {
    await enqueueMail({ to: 'intake@jw.tongzhou.example.cn', template: 'newCase', data: { publicUrl, reference: 'TZ-2026-00062' } });
    worker = startOutboxWorker({ transport, logger, intervalMs: 50 });
    // The SMTP server has the message a moment before the worker records it as sent.
    await waitFor(async () => (await OutboxMail.countDocuments({ status: 'sent' })) === 1);
    expect(smtp.messages).toHaveLength(1);
  });

  it('when stop() is called while a mail is being sent, then it resolves only after that mail is sent and recorded', async () => {
    smtp.dataDelayMs = 400;
    const mailId = await enqueueMail({ to: 'intake@jw.tongzhou.example.cn', template: 'newCase', data: { publicUrl, reference: 'TZ-2026-00063' } });
    worker = startOutboxWorker({ transport, logger, intervalMs: 3_600_000 });
    const pass = worker.runOnce();
    await waitFor(async () => (await OutboxClaim.countDocuments({})) === 1);

    await worker.stop();

    expect(smtp.messages).toHaveLength(1);
    expect(await OutboxMail.findById(mailId).lean()).toEqual(expect.objectContaining({ status: 'sent' }));
    await expect(pass).resolves.toBe(1);
  });

  it('when the database goes away, then passes log once and send nothing without throwing; when it returns, then the next pass sends', async () => {
    await enqueueMail({ to: 'intake@jw.tongzhou.example.cn', template: 'newCase', data: { publicUrl, reference: 'TZ-2026-00064' } });
    worker = startOutboxWorker({ transport, logger, intervalMs: 3_600_000 });
    await disconnectDatabase();
    try {
      await expect(worker.runOnce()).resolves.toBe(0);
      await expect(worker.runOnce()).resolves.toBe(0);
    } finally {
      await connectDatabase(testDatabaseUri(), databaseName);
    }
    expect(logLines.filter((line) => line.includes('outbox pass failed'))).toHaveLength(1);

    await expect(worker.runOnce()).resolves.toBe(1);
    expect(smtp.messages).toHaveLength(1);
    expect(logLines.join('')).toContain('outbox: database reachable again');
  });
});

import mongoose, { Types } from 'mongoose';
import { createMailTransport, type MailTransport } from '../../server/notifications/mail-transport';
import { OutboxClaim, claimId } from '../../server/notifications/outbox-claim.model';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { enqueueMail } from '../../server/notifications/outbox.service';
import { startOutboxWorker, type OutboxWorker } from '../../server/notifications/outbox-worker';
import { testConfig } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { capturingLogger } from './outbox-fixture';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';

const publicUrl = 'https://qingfeng.example.cn';
const intake = 'intake@jw.tongzhou.example.cn';
const { logger, logLines } = capturingLogger();
const hourMs = 60 * 60_000;

let smtp: TestSmtpServer;
let transport: MailTransport;
let worker: OutboxWorker;

beforeAll(async () => {
  await useTestDatabase();
  smtp = await startSmtpServer();
  transport = createMailTransport(testConfig({ SMTP_URL: smtp.url, PUBLIC_URL: publicUrl }).config);
});

afterAll(async () => {
  transport.close();
  await smtp.close();
  await dropTestDatabase();
});

beforeEach(async () => {
  smtp.messages.length = 0;
  logLines.length = 0;
  await OutboxMail.deleteMany({});
  await OutboxClaim.deleteMany({});
  worker = startOutboxWorker({ transport, logger, intervalMs: hourMs });
});

afterEach(() => worker.stop());

describe('mails that wait for their case', () => {
  it('when the case does not exist yet, then the mail is held; once the case is inserted, then it is sent exactly once', async () => {
    const caseId = new Types.ObjectId();
    const mailId = await enqueueMail({ to: intake, template: 'newCase', data: { publicUrl, reference: 'TZ-2026-00050' }, caseId });

    await expect(worker.runOnce()).resolves.toBe(0);
    await expect(worker.runOnce()).resolves.toBe(0);
    expect(smtp.messages).toHaveLength(0);
    expect(await OutboxMail.findById(mailId).lean()).toEqual(expect.objectContaining({ status: 'pending', attempts: 0 }));

    await mongoose.connection.collection('cases').insertOne({ _id: caseId, reference: 'TZ-2026-00050' });
    await expect(worker.runOnce()).resolves.toBe(1);
    await worker.runOnce();

    expect(smtp.messages.map((message) => message.subject)).toEqual(['【清风通州】收到新的反映 TZ-2026-00050']);
    expect(await OutboxMail.findById(mailId).lean()).toEqual(expect.objectContaining({ status: 'sent', attempts: 1 }));
  });

  it('when the case has not appeared within an hour, then the submission was abandoned and the mail fails with caseMissing, unsent', async () => {
    const mailId = await enqueueMail({ to: intake, template: 'newCase', data: { publicUrl, reference: 'TZ-2026-00051' }, caseId: new Types.ObjectId() });
    await OutboxMail.updateOne({ _id: mailId }, { $set: { createdAt: new Date(Date.now() - hourMs - 1000) } });

    await worker.runOnce();

    expect(smtp.messages).toHaveLength(0);
    const failed = await OutboxMail.findById(mailId).lean();
    expect(failed).toEqual(expect.objectContaining({ status: 'failed', lastErrorCode: 'caseMissing' }));
    expect(failed!.to).toBeUndefined();
  });
});

describe('claims', () => {
  it('when another instance holds a fresh claim on the attempt, then this worker leaves the mail alone', async () => {
    const mailId = await enqueueMail({ to: intake, template: 'newCase', data: { publicUrl, reference: 'TZ-2026-00052' } });
    await OutboxClaim.create({ _id: claimId(mailId, 0), claimedAt: new Date() });

    await expect(worker.runOnce()).resolves.toBe(0);

    expect(smtp.messages).toHaveLength(0);
    expect(await OutboxMail.findById(mailId).lean()).toEqual(expect.objectContaining({ status: 'pending', attempts: 0, lastErrorCode: null }));
  });

  it('when an instance died after claiming and the lease has run out, then the attempt counts as failed and the next one is sent exactly once', async () => {
    const mailId = await enqueueMail({ to: intake, template: 'newCase', data: { publicUrl, reference: 'TZ-2026-00053' } });
    await OutboxClaim.create({ _id: claimId(mailId, 0), claimedAt: new Date(Date.now() - 11 * 60_000) });

    await expect(worker.runOnce()).resolves.toBe(0);
    const retrying = await OutboxMail.findById(mailId).lean();
    expect(retrying).toEqual(expect.objectContaining({ status: 'pending', attempts: 1, lastErrorCode: 'claimExpired' }));

    await OutboxMail.updateOne({ _id: mailId }, { $set: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await expect(worker.runOnce()).resolves.toBe(1);
    await worker.runOnce();

    expect(smtp.messages).toHaveLength(1);
    expect(await OutboxMail.findById(mailId).lean()).toEqual(expect.objectContaining({ status: 'sent', attempts: 2 }));
  });
});

import mongoose, { Types } from 'mongoose';
import { createMailTransport, type MailTransport } from '../../server/notifications/mail-transport';
import { OutboxClaim } from '../../server/notifications/outbox-claim.model';
import { dayStampedId } from '../../server/cases/reporter-time';
import { OutboxDue } from '../../server/notifications/outbox-due.model';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { enqueueMail } from '../../server/notifications/outbox.service';
import { startOutboxWorker, type OutboxWorker } from '../../server/notifications/outbox-worker';
import { testConfig } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { capturingLogger, letTimePass } from './outbox-fixture';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';

const publicUrl = 'https://qingfeng.example.cn';
const intake = 'intake@jw.tongzhou.example.cn';
const { logger, logLines } = capturingLogger();

let smtp: TestSmtpServer;
let transport: MailTransport;
let workers: OutboxWorker[] = [];

function startWorker(mailTransport = transport): OutboxWorker {
  // A long interval: the tests drive passes with runOnce().
  const worker = startOutboxWorker({ transport: mailTransport, logger, intervalMs: 3_600_000 });
  workers.push(worker);
  return worker;
}

function smtpTransport(url: string): MailTransport {
  return createMailTransport(testConfig({ SMTP_URL: url, PUBLIC_URL: publicUrl }).config);
}

function enqueueNewCase(reference: string, caseId?: Types.ObjectId) {
  return enqueueMail({ to: intake, template: 'newCase', data: { publicUrl, reference }, caseId });
}

beforeAll(async () => {
  await useTestDatabase();
  smtp = await startSmtpServer();
  transport = smtpTransport(smtp.url);
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
  await OutboxDue.deleteMany({});
  await OutboxClaim.deleteMany({});
  await mongoose.connection.collection('cases').deleteMany({});
});

afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  workers = [];
});

describe('outbox delivery', () => {
  it('when a new-case mail is enqueued and the worker runs, then exactly one message reaches the intake inbox with the reference and link and no other case data', async () => {
    const caseId = new Types.ObjectId();
    await mongoose.connection.collection('cases').insertOne({
      _id: caseId,
      reference: 'TZ-2026-00042',
      unitCode: 'unit-housing-bureau',
      categoryCode: 'category-favours',
      lookupId: 'lookup-5f3a9c',
      sealed: { report: 'sealed-report-bytes' },
    });
    const mailId = await enqueueNewCase('TZ-2026-00042', caseId);

    await expect(startWorker().runOnce()).resolves.toBe(1);

    expect(smtp.messages).toHaveLength(1);
    const [message] = smtp.messages;
    expect(message.envelopeTo).toEqual([intake]);
    expect(message.headers.get('to')).toBe(intake);
    expect(message.subject).toBe('【清风通州】收到新的反映 TZ-2026-00042');
    expect(message.text).toContain('案件编号：TZ-2026-00042');
    expect(message.text).toContain(`${publicUrl}/staff/cases/TZ-2026-00042`);
    expect(message.headers.get('message-id')).toBe(`<${mailId.toHexString()}@qingfeng.invalid>`);
    for (const caseData of ['unit-housing-bureau', 'category-favours', 'lookup-5f3a9c', 'sealed-report-bytes', caseId.toHexString()]) {
      expect(message.raw).not.toContain(caseData);
      expect(message.text).not.toContain(caseData);
    }
    expect([...message.headers.keys()].filter((name) => name.startsWith('x-'))).toEqual([]);
  });

  it('when a mail has been sent, then it is marked sent, its recipient is erased from the outbox, and later passes send nothing', async () => {
    const mailId = await enqueueNewCase('TZ-2026-00043');
    const worker = startWorker();
    await worker.runOnce();
    await worker.runOnce();
    await worker.runOnce();

    expect(smtp.messages).toHaveLength(1);
    const stored = await OutboxMail.findById(mailId).lean();
    expect(stored).toEqual(expect.objectContaining({ status: 'sent', attempts: 1, lastErrorCode: null }));
    expect(stored!.sentAt).toBeInstanceOf(Date);
    expect(stored!.to).toBeUndefined();
  });
});

describe('what a pass reads', () => {
  it('when mails have been sent or have failed, then the due list the worker reads holds only the mail still pending', async () => {
    const sent = await enqueueNewCase('TZ-2026-00050');
    smtp.rejectedRecipients.add('nobody@jw.tongzhou.example.cn');
    const failed = await enqueueMail({ to: 'nobody@jw.tongzhou.example.cn', template: 'newCase', data: { publicUrl, reference: 'TZ-2026-00051' } });
    const held = await enqueueNewCase('TZ-2026-00052', new Types.ObjectId());
    await startWorker().runOnce();

    expect(await OutboxMail.findById(sent).lean()).toEqual(expect.objectContaining({ status: 'sent' }));
    expect(await OutboxMail.findById(failed).lean()).toEqual(expect.objectContaining({ status: 'failed' }));
    const due = (await OutboxDue.find({}).lean()).map((entry) => String(entry._id));
    expect(due.filter((id) => id !== 'complete')).toEqual([held.toHexString()]);
  });

  it('when a pass reads the due list between a mail\'s entry and the mail itself (a mail about a case has a day-stamped id), then the entry is kept and the mail is sent', async () => {
    const caseId = new Types.ObjectId();
    await mongoose.connection.collection('cases').insertOne({ _id: caseId });
    const worker = startWorker();
    // The moment inside enqueueMail: the entry is written, the mail not yet.
    const id = dayStampedId();
    await OutboxDue.create({ _id: id, at: new Date() });
    expect(await worker.runOnce()).toBe(0);
    expect(await OutboxDue.exists({ _id: id })).not.toBeNull();
    await OutboxMail.create({ _id: id, to: intake, subject: '新案件 TZ-2026-00777', text: 'x', template: 'newCase', status: 'pending', attempts: 0, nextAttemptAt: new Date(), caseId });
    expect(await worker.runOnce()).toBe(1);
    expect(smtp.messages).toHaveLength(1);
  });

  it('when mails were queued by the version before the due list, then the first pass finds and sends them', async () => {
    await mongoose.connection.collection('outbox_mails').insertOne({
      _id: new Types.ObjectId(), to: intake, subject: '【清风通州】收到新的反映 TZ-2026-00060', text: '案件编号：TZ-2026-00060',
      template: 'newCase', status: 'pending', attempts: 0, nextAttemptAt: new Date(), caseId: null, createdAt: new Date(), sentAt: null,
    });
    await expect(startWorker().runOnce()).resolves.toBe(1);
    expect(smtp.messages.map((message) => message.subject)).toEqual(['【清风通州】收到新的反映 TZ-2026-00060']);
  });
});

describe('SMTP outages', () => {
  it('when the SMTP server is down, then the mail stays pending with one more attempt and a later next attempt; when it is back, then the mail is delivered exactly once', async () => {
    const away = await startSmtpServer();
    const port = away.port;
    await away.close();
    const awayTransport = smtpTransport(`smtp://127.0.0.1:${port}`);
    const mailId = await enqueueNewCase('TZ-2026-00044');
    const worker = startWorker(awayTransport);

    const before = Date.now();
    await expect(worker.runOnce()).resolves.toBe(0);
    const pending = await OutboxMail.findById(mailId).lean();
    expect(pending).toEqual(expect.objectContaining({ status: 'pending', attempts: 1, lastErrorCode: 'ESOCKET', to: intake }));
    expect(pending!.nextAttemptAt.getTime()).toBeGreaterThan(before + 20_000);
    await expect(worker.runOnce()).resolves.toBe(0);
    expect((await OutboxMail.findById(mailId).lean())!.attempts).toBe(1);

    const back = await startSmtpServer(port);
    try {
      await letTimePass();
      await expect(worker.runOnce()).resolves.toBe(1);
      await worker.runOnce();
      await worker.runOnce();
      expect(back.messages.map((message) => message.subject)).toEqual(['【清风通州】收到新的反映 TZ-2026-00044']);
      expect(await OutboxMail.findById(mailId).lean()).toEqual(expect.objectContaining({ status: 'sent', attempts: 2 }));
    } finally {
      awayTransport.close();
      await back.close();
    }
  });

  it('when the SMTP server answers 421 and then recovers, then two workers on the same database deliver every mail exactly once', async () => {
    const references = Array.from({ length: 8 }, (_, index) => `TZ-2026-${String(100 + index).padStart(5, '0')}`);
    for (const reference of references) await enqueueNewCase(reference);
    const [first, second] = [startWorker(), startWorker(smtpTransport(smtp.url))];

    smtp.refuseConnections = true;
    await Promise.all([first.runOnce(), second.runOnce()]);
    const afterOutage = await OutboxMail.find({}).lean();
    expect(afterOutage.map((mail) => [mail.status, mail.attempts, mail.lastErrorCode])).toEqual(references.map(() => ['pending', 1, 'EPROTOCOL:421']));
    expect(afterOutage.every((mail) => mail.nextAttemptAt.getTime() > Date.now())).toBe(true);
    expect(smtp.messages).toHaveLength(0);

    smtp.refuseConnections = false;
    await letTimePass();
    let sent = 0;
    for (let round = 0; round < 3; round += 1) {
      const counts = await Promise.all([first.runOnce(), second.runOnce()]);
      sent += counts[0] + counts[1];
    }

    expect(sent).toBe(references.length);
    const received = smtp.messages.map((message) => /TZ-2026-\d{5}/.exec(message.subject)![0]).sort();
    expect(received).toEqual(references);
    expect(await OutboxMail.countDocuments({ status: 'sent', attempts: 2 })).toBe(references.length);
  });

  it('when the server refuses the recipient for good (550), then the mail fails at once with the code only', async () => {
    smtp.rejectedRecipients.add('gone@jw.tongzhou.example.cn');
    const mailId = await enqueueMail({ to: 'gone@jw.tongzhou.example.cn', template: 'caseAssigned', data: { publicUrl, reference: 'TZ-2026-00045' } });

    await expect(startWorker().runOnce()).resolves.toBe(0);

    const failed = await OutboxMail.findById(mailId).lean();
    expect(failed).toEqual(expect.objectContaining({ status: 'failed', attempts: 1, lastErrorCode: 'EENVELOPE:550' }));
    expect(failed!.to).toBeUndefined();
    expect(logLines.join('')).toContain('"error":"EENVELOPE:550"');
  });

  it('when a mail has failed for the twentieth time, then it is given up with an error log', async () => {
    const mailId = await enqueueNewCase('TZ-2026-00046');
    await OutboxMail.updateOne({ _id: mailId }, { $set: { attempts: 19 } });
    smtp.refuseConnections = true;

    await startWorker().runOnce();

    expect(await OutboxMail.findById(mailId).lean()).toEqual(expect.objectContaining({ status: 'failed', attempts: 20, lastErrorCode: 'EPROTOCOL:421' }));
    const line = JSON.parse(logLines.find((entry) => entry.includes('giving up'))!);
    expect(line).toEqual(expect.objectContaining({ level: 50, mailId: mailId.toHexString(), template: 'newCase', attempts: 20, error: 'EPROTOCOL:421' }));
  });
});

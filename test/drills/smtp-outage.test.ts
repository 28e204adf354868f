/**
 * Drill: the mail server refuses every connection (421) while new cases
 * arrive. Two outbox workers — two portal instances — keep passing over the
 * outbox on short timers and with extra passes of their own; the notices
 * wait, and once SMTP is back each is delivered exactly once.
 */
import mongoose from 'mongoose';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { createMailTransport, type MailTransport } from '../../server/notifications/mail-transport';
import { OutboxClaim } from '../../server/notifications/outbox-claim.model';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { startOutboxWorker, type OutboxWorker } from '../../server/notifications/outbox-worker';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, trackingCodeIn, validReport } from '../helpers/reports';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';
import { capturingLogger } from '../notifications/outbox-fixture';
import { burstLimits, waitFor } from './drill-fixtures';

jest.setTimeout(60_000);

const newCases = 6;
const { logger } = capturingLogger();
let smtp: TestSmtpServer;
let testApp: ReturnType<typeof buildTestApp>;
const transports: MailTransport[] = [];
const workers: OutboxWorker[] = [];

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  smtp = await startSmtpServer();
  testApp = buildTestApp({ ...burstLimits, SMTP_URL: smtp.url });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  for (const transport of transports) transport.close();
  await smtp.close();
  await dropTestDatabase();
});

/** An instance's worker, passing every 50 ms: the two workers' passes overlap all the time. */
function startInstanceWorker(): OutboxWorker {
  const transport = createMailTransport(testApp.config);
  transports.push(transport);
  const worker = startOutboxWorker({ transport, logger, intervalMs: 50 });
  workers.push(worker);
  return worker;
}

async function bothPass(times: number): Promise<void> {
  for (let round = 0; round < times; round += 1) await Promise.all(workers.map((worker) => worker.runOnce()));
}

async function everyMail(check: (mail: { status: string; attempts: number }) => boolean): Promise<boolean> {
  const mails = await OutboxMail.find({}).lean();
  return mails.length === newCases && mails.every(check);
}

/** Skip the backoff: what was due in 30 s or 1 min is due now. */
async function letTimePass(): Promise<void> {
  await OutboxMail.updateMany({ status: 'pending' }, { $set: { nextAttemptAt: new Date(Date.now() - 1000) } });
}

describe('drill: SMTP is down for a while', () => {
  it('when new cases arrive while SMTP answers 421, then their notices stay pending through two rounds of failures; when SMTP returns, then two workers deliver each exactly once', async () => {
    smtp.refuseConnections = true;
    startInstanceWorker();
    startInstanceWorker();

    const references: string[] = [];
    for (let index = 0; index < newCases; index += 1) {
      const reporter = browser(testApp.app);
      const page = await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
      expect(trackingCodeIn(page.text)).toMatch(/^\d{20}$/);
    }
    for (const found of await Case.find({}, { reference: 1 }).lean()) references.push(found.reference);
    expect(references).toHaveLength(newCases);

    // First failure: each notice is tried once, then waits for its backoff.
    expect(await waitFor(() => everyMail((mail) => mail.status === 'pending' && mail.attempts === 1), 15_000)).toBe(true);
    await bothPass(3);
    expect(await everyMail((mail) => mail.status === 'pending' && mail.attempts === 1)).toBe(true);
    // Its next attempt comes and SMTP is still down: a second failure, still pending.
    await letTimePass();
    expect(await waitFor(() => everyMail((mail) => mail.status === 'pending' && mail.attempts === 2), 15_000)).toBe(true);
    const waiting = await OutboxMail.find({}).lean();
    expect(waiting.map((mail) => [mail.status, mail.lastErrorCode, mail.to])).toEqual(waiting.map(() => ['pending', 'EPROTOCOL:421', testApp.config.mail.commissionInbox]));
    expect(smtp.messages).toHaveLength(0);

    smtp.refuseConnections = false;
    await letTimePass();
    expect(await waitFor(() => everyMail((mail) => mail.status === 'sent'), 15_000)).toBe(true);
    // Passes go on (timers and explicit ones at once) after everything is sent: nothing is sent again.
    await bothPass(5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all(workers.map((worker) => worker.stop()));

    const received = smtp.messages.map((message) => /TZ-\d{4}-\d{5}/.exec(message.subject)?.[0]);
    expect(received.sort()).toEqual([...references].sort());
    expect(new Set(smtp.messages.map((message) => message.headers.get('message-id'))).size).toBe(newCases);
    const sent = await OutboxMail.find({}).lean();
    expect(sent.map((mail) => [mail.status, mail.attempts, mail.to])).toEqual(sent.map(() => ['sent', 3, undefined]));
    // Each attempt's claim goes once the attempt is recorded (a pass cut short by stop() may finish
    // that a moment later): in the end none names a mail.
    expect(await waitFor(async () => (await OutboxClaim.countDocuments()) === 0, 5_000)).toBe(true);
    expect(await mongoose.connection.collection('outbox_mails').countDocuments({ status: 'pending' })).toBe(0);
  });
});

import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { createLogger } from '../../server/lib/logger';
import { createMailTransport } from '../../server/notifications/mail-transport';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { startOutboxWorker, type OutboxWorker } from '../../server/notifications/outbox-worker';
import { browser, buildTestApp, testConfig } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOfPage, validReport } from '../helpers/reports';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';

let smtp: TestSmtpServer;
let worker: OutboxWorker;
let app: ReturnType<typeof buildTestApp>['app'];
const quiet = createLogger('silent');

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  smtp = await startSmtpServer();
  const settings = { SMTP_URL: smtp.url, COMMISSION_INBOX: 'intake@tongzhou.example', PUBLIC_URL: 'https://qingfeng.example', REPORTS_PER_HOUR_PER_CLIENT: '100' };
  const { config } = testConfig(settings);
  app = buildTestApp(settings).app;
  worker = startOutboxWorker({ transport: createMailTransport(config), logger: quiet, intervalMs: 3_600_000 });
});
afterAll(async () => {
  await worker.stop();
  await smtp.close();
  await dropTestDatabase();
});

async function submit(): Promise<string> {
  const agent = browser(app);
  const identity = { identityChoice: 'confidential', name: '赵不可见', email: 'zhao.hidden@example.com' };
  return (await postReport(agent, await openReportForm(agent), { ...validReport, ...identity }).expect(200)).text;
}

describe('the intake notice', () => {
  it('when a report is stored, then the intake mailbox gets one mail over SMTP with the reference and a staff link only', async () => {
    const confirmation = await submit();
    expect(await worker.runOnce()).toBe(1);
    const stored = await storedCaseOfPage(confirmation);
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail.envelopeTo).toEqual(['intake@tongzhou.example']);
    expect(mail.text).toContain(stored!.reference);
    expect(mail.text).toContain(`https://qingfeng.example/staff/cases/${stored!.reference}`);
    for (const secret of ['赵不可见', 'zhao.hidden', validReport.description.slice(0, 10), '行政审批', 'xzspj', 'favours', '吃拿卡要']) {
      expect(mail.raw).not.toContain(secret);
      expect(mail.text).not.toContain(secret);
    }
  });

  it('when SMTP is down, then the case is still saved and the notice is delivered once SMTP is back', async () => {
    smtp.messages.length = 0;
    smtp.refuseConnections = true;
    const before = await Case.countDocuments();
    await submit();
    expect(await Case.countDocuments()).toBe(before + 1);
    expect(await worker.runOnce()).toBe(0);
    const pending = await OutboxMail.findOne({ status: 'pending' }).lean();
    expect(pending!.attempts).toBe(1);

    smtp.refuseConnections = false;
    await OutboxMail.updateOne({ _id: pending!._id }, { $set: { nextAttemptAt: new Date() } }); // as if the backoff had passed
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);
    expect(smtp.messages).toHaveLength(1);
  });
});

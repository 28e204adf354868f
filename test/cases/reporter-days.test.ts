/**
 * What is stored about a reporter's acts keeps the day, not the hour: every
 * date is that day's midnight in China, every id made for them starts with
 * it. Checked on every document of every collection, so a new collection that
 * keeps more fails here; the few that must keep the instant are named.
 */
import mongoose, { Types } from 'mongoose';
import sharp from 'sharp';
import { Attachment } from '../../server/cases/attachment.model';
import { CaseItem } from '../../server/cases/case-items.model';
import { CaseMessage } from '../../server/cases/case-message.model';
import { Case } from '../../server/cases/case.model';
import { keepOnlyReporterDays } from '../../server/cases/reporter-days-upgrade';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { createMailTransport } from '../../server/notifications/mail-transport';
import { OutboxMail } from '../../server/notifications/outbox-mail.model';
import { keepOnlyDaysOfDoneMails } from '../../server/notifications/outbox-days-upgrade';
import { startOutboxWorker } from '../../server/notifications/outbox-worker';
import { browser, buildTestApp, testConfig } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, trackingCodeIn, validReport } from '../helpers/reports';
import { startSmtpServer } from '../helpers/smtp-server';
import { addFormFields, lookUpOk } from '../helpers/tracking';
import { capturingLogger } from '../notifications/outbox-fixture';

const { app } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000' });

// Kept to the instant, and why: none of them names a case or a reporter's act.
const instantAllowed: Record<string, string> = {
  units: 'units are set up by administrators',
  categories: 'as units',
  calendar_entries: 'the working-day calendar, by administrators',
  case_listings: 'the lists\' meta entry (when they were built); rows are checked below',
  case_items_meta: 'when the start-up pass finished',
  case_references_meta: 'as case_items_meta',
  rollups: 'monthly counts and when they were built',
  rollup_meta: 'as rollups',
  oversight_rollup_dirty: 'months to count again, without a case',
  audit_trail: 'staff actions (this test makes none)',
};

async function otherThanTheDay(): Promise<string[]> {
  const found: string[] = [];
  for (const { name } of await mongoose.connection.db!.listCollections().toArray()) {
    const documents = await mongoose.connection.db!.collection(name).find({}).toArray();
    for (const document of documents) {
      if (name in instantAllowed && !(name === 'case_listings' && Array.isArray(document.rows))) continue;
      walk(document, `${name}/${String(document._id)}`, found);
    }
  }
  return found;
}

function walk(value: unknown, where: string, found: string[]): void {
  if (value instanceof Date) {
    if (!isChinaMidnight(value)) found.push(`${where}: ${value.toISOString()}`);
  } else if (value instanceof Types.ObjectId) {
    if (!isChinaMidnight(value.getTimestamp())) found.push(`${where}: id ${value.toHexString()}`);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, `${where}[${index}]`, found));
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof mongoose.mongo.Binary)) {
    for (const [key, item] of Object.entries(value)) walk(item, `${where}.${key}`, found);
  }
}

function isChinaMidnight(instant: Date): boolean {
  return (instant.getTime() + 8 * 3_600_000) % 86_400_000 === 0;
}

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
});
afterAll(dropTestDatabase);

describe('reporters\' acts keep the day only', () => {
  it('when a report with a photo is sent, its notice mailed and information with a file added, then nothing stored tells the time of day', async () => {
    const photo = await sharp({ create: { width: 48, height: 32, channels: 3, background: '#345678' } }).jpeg().toBuffer();
    const reporter = browser(app);
    const page = await postReport(reporter, await openReportForm(reporter), validReport, [{ bytes: photo, filename: 'a.jpg', contentType: 'image/jpeg' }]).expect(200);
    const follower = browser(app);
    const fields = addFormFields((await lookUpOk(follower, trackingCodeIn(page.text)!)).text);
    const added = await follower
      .post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`)
      .field('_csrf', fields.csrf)
      .field('code', fields.code)
      .field('message', '补充：当天下午三点再次前往窗口，仍被拒绝受理。')
      .attach('evidence', photo, { filename: 'b.jpg', contentType: 'image/jpeg' });
    expect(added.status).toBe(303);

    const smtp = await startSmtpServer();
    const transport = createMailTransport(testConfig({ SMTP_URL: smtp.url }).config);
    const worker = startOutboxWorker({ transport, logger: capturingLogger().logger, intervalMs: 3_600_000 });
    try {
      await worker.runOnce();
      expect(smtp.messages.length).toBeGreaterThan(0);
    } finally {
      await worker.stop();
      transport.close();
      await smtp.close();
    }

    expect(await CaseMessage.countDocuments({ from: 'reporter' })).toBe(1);
    expect(await Attachment.countDocuments()).toBe(2);
    expect(await OutboxMail.countDocuments({ status: 'sent' })).toBe(await OutboxMail.countDocuments());
    expect((await OutboxMail.findOne({}).lean())!.caseId ?? null).toBeNull();
    expect(await otherThanTheDay()).toEqual([]);
  });

  it('when cases, messages, files and mails were stored to the millisecond by the version before, then one pass keeps their day, and a second changes nothing', async () => {
    const at = new Date('2026-11-17T06:41:27.318Z'); // 14:41 in China
    const caseId = new Types.ObjectId();
    const messageId = new Types.ObjectId();
    const fileId = new Types.ObjectId();
    const existing = await Case.findOne({}).lean();
    const { _id: _ignored, ...fieldsOfACase } = existing!;
    await Case.collection.insertOne({ ...fieldsOfACase, _id: caseId, reference: 'TZ-2026-09999', lookupId: 'old-layout', receivedAt: at, createdAt: at, updatedAt: at });
    await CaseMessage.collection.insertOne({ _id: messageId, caseId, from: 'reporter', type: 'addition', at, attachmentIds: [fileId], sealedBody: Buffer.alloc(40) });
    await Attachment.collection.insertOne({ _id: fileId, caseId, type: 'jpeg', size: 10, createdAt: at, sealedBytes: Buffer.alloc(40) });
    await CaseItem.collection.insertMany([
      { _id: `${caseId}:0`, kind: 'message', itemId: messageId, at, discarded: false },
      { _id: `${caseId}:1`, kind: 'attachment', itemId: fileId, at, type: 'jpeg', size: 10, discarded: false },
    ] as never[]);
    await OutboxMail.collection.insertOne({ _id: new Types.ObjectId(), subject: 's', text: 't', template: 'newCase', status: 'sent', attempts: 1, nextAttemptAt: at, caseId, createdAt: at, sentAt: at, lastErrorCode: null });

    expect(await keepOnlyReporterDays()).toBe(5);
    expect(await keepOnlyDaysOfDoneMails()).toBe(1);
    const day = new Date('2026-11-17T00:00:00+08:00');
    const stored = await Case.collection.findOne({ _id: caseId });
    expect([stored!.receivedAt, 'createdAt' in stored!, 'updatedAt' in stored!]).toEqual([day, false, false]);
    expect((await CaseMessage.findById(messageId).lean())!.at).toEqual(day);
    expect((await Attachment.findById(fileId).lean())!.createdAt).toEqual(day);
    expect(await Promise.all([0, 1].map(async (n) => (await CaseItem.findById(`${caseId}:${n}`).lean())!.at))).toEqual([day, day]);
    const mail = await OutboxMail.collection.findOne({ template: 'newCase', subject: 's' });
    expect([mail!.createdAt, mail!.sentAt, 'caseId' in mail!]).toEqual([day, day, false]);

    expect(await keepOnlyReporterDays()).toBe(0);
    expect(await keepOnlyDaysOfDoneMails()).toBe(0);
  });
});

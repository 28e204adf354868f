/**
 * Mails sent or given up before done mails were kept to the day
 * (outbox-delivery.ts, daysOnly): one pass at start-up brings their times to
 * the day and drops their case, then marks itself done.
 */
import { Schema, model } from 'mongoose';
import { reporterDayOf } from '../cases/reporter-time';
import { OutboxMail } from './outbox-mail.model';

const UpgradeDone = model('OutboxDaysUpgrade', new Schema({ _id: { type: String, required: true } }, { collection: 'outbox_days_meta', versionKey: false }));
const doneId = 'done';

export async function keepOnlyDaysOfDoneMails(): Promise<number> {
  if (await UpgradeDone.exists({ _id: doneId })) return 0;
  let changed = 0;
  for await (const mail of OutboxMail.collection.find({}, { projection: { status: 1, createdAt: 1, caseId: 1, sentAt: 1 } })) {
    if (mail.status === 'pending') continue;
    const day = reporterDayOf(mail.sentAt ?? mail.createdAt);
    if (mail.caseId === undefined && mail.createdAt?.getTime() === day.getTime()) continue;
    await OutboxMail.collection.updateOne({ _id: mail._id }, { $set: { createdAt: day, sentAt: day, nextAttemptAt: day }, $unset: { caseId: '' } });
    changed += 1;
  }
  await UpgradeDone.create({ _id: doneId }).catch(() => undefined);
  return changed;
}

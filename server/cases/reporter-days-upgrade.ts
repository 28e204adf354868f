/**
 * Stored before reporters' times were kept to the day: a case's arrival to
 * the millisecond with its created and updated stamps, a reporter's
 * messages and files to the millisecond, and their entries. One pass at
 * start-up, off the request path, brings them to the day (reporter-time.ts)
 * and then marks itself done, so it reads every case and item once in the
 * life of an installation. Ids keep the second they were made with: they are
 * the keys everything else refers to.
 */
import { Schema, model, type Types } from 'mongoose';
import { Attachment } from './attachment.model';
import { CaseItem } from './case-items.model';
import { CaseMessage } from './case-message.model';
import { Case } from './case.model';
import { withLock } from '../lib/locks';
import { reporterDayOf } from './reporter-time';

const UpgradeDone = model('ReporterDaysUpgrade', new Schema({ _id: { type: String, required: true } }, { collection: 'reporter_days_meta', versionKey: false }));
const doneId = 'done';

export async function keepOnlyReporterDays(): Promise<number> {
  if (await UpgradeDone.exists({ _id: doneId })) return 0;
  const cases = await dayCases();
  let changed = cases.changed;
  const reporterItems = new Set<string>();
  for await (const message of CaseMessage.find({ from: 'reporter' }, { at: 1 }).lean().cursor({ batchSize: 200 })) {
    reporterItems.add(String(message._id));
    changed += await toDay(CaseMessage, message._id, 'at', message.at);
  }
  for await (const file of Attachment.find({}, { createdAt: 1 }).lean().cursor({ batchSize: 200 })) {
    reporterItems.add(String(file._id));
    changed += await toDay(Attachment, file._id, 'createdAt', file.createdAt);
  }
  for await (const entry of CaseItem.find({}, { itemId: 1, at: 1 }).lean().cursor({ batchSize: 200 })) {
    if (reporterItems.has(String(entry.itemId))) changed += await toDay(CaseItem, entry._id, 'at', entry.at);
  }
  // A case moved at that very moment is done at the next start.
  if (cases.skipped === 0) await UpgradeDone.create({ _id: doneId }).catch(() => undefined);
  return changed;
}

// Under the case's own lock, as a move takes it: FerretDB's updates are not atomic, and a
// move written at the same moment could otherwise be lost.
async function dayCases(): Promise<{ changed: number; skipped: number }> {
  let changed = 0;
  let skipped = 0;
  const cases = Case.collection.find({}, { projection: { receivedAt: 1, createdAt: 1, updatedAt: 1 } });
  for await (const stored of cases) {
    const day = reporterDayOf(stored.receivedAt);
    if (day.getTime() === stored.receivedAt.getTime() && !('createdAt' in stored) && !('updatedAt' in stored)) continue;
    const locked = await withLock(`case-move:${String(stored._id)}`, { waitMs: 3_000 }, async () => {
      await Case.collection.updateOne({ _id: stored._id }, { $set: { receivedAt: day }, $unset: { createdAt: '', updatedAt: '' } });
    });
    if (locked) changed += 1;
    else skipped += 1;
  }
  return { changed, skipped };
}

type DayField = 'at' | 'createdAt';

async function toDay(collection: { collection: { updateOne: (filter: object, update: object) => Promise<unknown> } }, _id: Types.ObjectId | string, field: DayField, at: Date): Promise<number> {
  const day = reporterDayOf(at);
  if (day.getTime() === at.getTime()) return 0;
  await collection.collection.updateOne({ _id }, { $set: { [field]: day } });
  return 1;
}

/**
 * The upgrade to case_items: every event, message and file stored before it
 * gets its entry, in one pass at start-up (in the background); then reads go
 * by key. Writers meanwhile make their own entries; an item entered twice
 * (two instances starting at once) is read once.
 */
import mongoose from 'mongoose';
import { isDuplicateKeyError } from '../lib/db';
import { Attachment } from './attachment.model';
import { CaseEvent } from './case-event.model';
import { CaseItem, CaseItemsComplete, completeId, type CaseItemKind } from './case-items.model';
import { enterCaseItem, type NewCaseItem } from './case-items.service';
import { CaseMessage } from './case-message.model';

type Pending = NewCaseItem & { caseId: mongoose.Types.ObjectId; n: number };

let running: Promise<number> | undefined;

/** Once per process at a time (a second caller joins the pass under way); returns how many entries it made. */
export function enterEveryCaseItem(): Promise<number> {
  running ??= enterMissing().finally(() => {
    running = undefined;
  });
  return running;
}

async function enterMissing(): Promise<number> {
  if (await CaseItemsComplete.exists({ _id: completeId })) return 0;
  const existing = await CaseItem.find({}, { itemId: 1 }).lean();
  const entered = new Set(existing.map((entry) => entry.itemId.toString()));
  // Entries are contiguous from 0: a case's next n is how many it had (a later one a writer took is a duplicate, handled below).
  const next = new Map<string, number>();
  for (const entry of existing) {
    const key = entry._id.slice(0, entry._id.indexOf(':'));
    next.set(key, (next.get(key) ?? 0) + 1);
  }
  let batch: Pending[] = [];
  let added = 0;
  const flush = async () => {
    added += await insertBatch(batch);
    batch = [];
  };
  const sources: Array<[CaseItemKind, AsyncIterable<{ _id: mongoose.Types.ObjectId; caseId: mongoose.Types.ObjectId; at?: Date; createdAt?: Date; type?: string; size?: number }>]> = [
    ['event', CaseEvent.find({}, { caseId: 1, at: 1 }).lean().cursor({ batchSize: 2000 })],
    ['message', CaseMessage.find({}, { caseId: 1, at: 1 }).lean().cursor({ batchSize: 2000 })],
    ['attachment', Attachment.find({}, { caseId: 1, createdAt: 1, type: 1, size: 1 }).lean().cursor({ batchSize: 200 })],
  ];
  for (const [kind, items] of sources) {
    for await (const item of items) {
      if (entered.has(item._id.toString())) continue;
      const key = item.caseId.toString();
      const n = next.get(key) ?? 0;
      next.set(key, n + 1);
      batch.push({ caseId: item.caseId, n, kind, itemId: item._id, at: item.at ?? item.createdAt ?? new Date(), type: item.type, size: item.size });
      if (batch.length === 1000) await flush();
    }
  }
  await flush();
  await CaseItemsComplete.create({ _id: completeId, at: new Date() }).catch((error: unknown) => {
    if (!isDuplicateKeyError(error)) throw error;
  });
  return added;
}

/**
 * A database that has no event, message or file yet (a new installation) has
 * nothing to enter: the first writer says so, and reads go by key from then on.
 * On FerretDB a find with no filter and a limit is pushed down: three cheap reads.
 */
export async function markCompleteIfNothingStoredYet(): Promise<void> {
  if (await CaseItemsComplete.exists({ _id: completeId })) return;
  const stored = await Promise.all([CaseEvent.exists({}), CaseMessage.exists({}), Attachment.exists({})]);
  if (stored.some(Boolean)) return;
  await CaseItemsComplete.create({ _id: completeId, at: new Date() }).catch((error: unknown) => {
    if (!isDuplicateKeyError(error)) throw error;
  });
}

// An n a request took meanwhile is a duplicate: that item is entered at the next free n instead.
async function insertBatch(batch: readonly Pending[]): Promise<number> {
  if (batch.length === 0) return 0;
  const documents = batch.map(({ caseId, n, ...item }) => ({ _id: `${caseId.toString()}:${n}`, ...item }));
  try {
    await CaseItem.insertMany(documents, { ordered: false });
    return batch.length;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const failed = new Set(((error as { writeErrors?: Array<{ index: number }> }).writeErrors ?? []).map((writeError) => writeError.index));
    for (const index of failed) await enterCaseItem(batch[index].caseId, batch[index]);
    return batch.length;
  }
}

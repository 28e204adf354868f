/**
 * Reading what belongs to one case (events, messages, files) through its
 * entries in case_items, by _id; until every case has its entries (the
 * start-up pass after the upgrade), by caseId as before.
 */
import type { Types } from 'mongoose';
import { Attachment } from './attachment.model';
import { CaseEvent, type CaseEventDocument } from './case-event.model';
import { entriesOfKind } from './case-items.service';
import { CaseMessage } from './case-message.model';

export async function eventsOf(caseId: Types.ObjectId): Promise<CaseEventDocument[]> {
  const entries = await entriesOfKind(caseId, 'event');
  if (!entries) return CaseEvent.find({ caseId }).lean<CaseEventDocument[]>();
  return present(await Promise.all(entries.map((entry) => CaseEvent.findById(entry.itemId).lean<CaseEventDocument>())));
}

export async function messagesOf(caseId: Types.ObjectId) {
  const entries = await entriesOfKind(caseId, 'message');
  if (!entries) return CaseMessage.find({ caseId }).lean();
  return present(await Promise.all(entries.map((entry) => CaseMessage.findById(entry.itemId).lean())));
}

/** What a list of the case's files shows, without reading the files. */
export async function fileSummariesOf(caseId: Types.ObjectId): Promise<Array<{ _id: Types.ObjectId; type: string; size: number; createdAt: Date }>> {
  const entries = await entriesOfKind(caseId, 'attachment');
  if (!entries) return Attachment.find({ caseId }, { type: 1, size: 1, createdAt: 1 }).lean();
  return entries.map((entry) => ({ _id: entry.itemId, type: entry.type ?? '', size: entry.size ?? 0, createdAt: entry.at }));
}

/** The case's files themselves (sealed bytes included). */
export async function filesOf(caseId: Types.ObjectId) {
  const entries = await entriesOfKind(caseId, 'attachment');
  if (!entries) return Attachment.find({ caseId }).lean();
  return present(await Promise.all(entries.map((entry) => Attachment.findById(entry.itemId).lean())));
}

function present<T>(items: ReadonlyArray<T | null>): T[] {
  return items.filter((item): item is T => item !== null);
}

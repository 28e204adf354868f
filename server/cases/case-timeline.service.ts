/**
 * Reading what belongs to one case (events, messages, files) through its
 * entries in case_items, by _id, probing its keys once for all three; until
 * every case has its entries (the start-up pass after the upgrade), by caseId
 * as before.
 */
import type { Types } from 'mongoose';
import { Attachment } from './attachment.model';
import { CaseEvent, type CaseEventDocument } from './case-event.model';
import type { CaseItemDocument, CaseItemKind } from './case-items.model';
import { currentEntries } from './case-items.service';
import { CaseMessage, type CaseMessageDocument } from './case-message.model';

export interface FileSummary {
  _id: Types.ObjectId;
  type: string;
  size: number;
  createdAt: Date;
}

export interface CaseTimeline {
  events: CaseEventDocument[];
  messages: CaseMessageDocument[];
  /** what a list of the case's files shows, without reading the files */
  files: FileSummary[];
}

export async function timelineOf(caseId: Types.ObjectId): Promise<CaseTimeline> {
  const entries = await currentEntries(caseId);
  if (!entries) {
    const [events, messages, files] = await Promise.all([
      CaseEvent.find({ caseId }).lean<CaseEventDocument[]>(),
      CaseMessage.find({ caseId }).lean<CaseMessageDocument[]>(),
      Attachment.find({ caseId }, { type: 1, size: 1, createdAt: 1 }).lean<FileSummary[]>(),
    ]);
    return { events, messages, files };
  }
  const [events, messages] = await Promise.all([
    present(await Promise.all(ofKind(entries, 'event').map((entry) => CaseEvent.findById(entry.itemId).lean<CaseEventDocument>()))),
    present(await Promise.all(ofKind(entries, 'message').map((entry) => CaseMessage.findById(entry.itemId).lean<CaseMessageDocument>()))),
  ]);
  const files = ofKind(entries, 'attachment').map((entry) => ({ _id: entry.itemId, type: entry.type ?? '', size: entry.size ?? 0, createdAt: entry.at }));
  return { events, messages, files };
}

/** The case's files themselves (sealed bytes included). */
export async function filesOf(caseId: Types.ObjectId) {
  const entries = await currentEntries(caseId);
  if (!entries) return Attachment.find({ caseId }).lean();
  return present(await Promise.all(ofKind(entries, 'attachment').map((entry) => Attachment.findById(entry.itemId).lean())));
}

function ofKind(entries: readonly CaseItemDocument[], kind: CaseItemKind): CaseItemDocument[] {
  return entries.filter((entry) => entry.kind === kind);
}

function present<T>(items: ReadonlyArray<T | null>): T[] {
  return items.filter((item): item is T => item !== null);
}

/**
 * Entering and reading a case's items (case-items.model.ts). An entry is
 * written before its item, so no stored item is ever missing from its case;
 * an entry whose item never came is skipped. Two writers at once both try the
 * first free n: the unique _id lets one win, the other takes the next.
 */
import type { Types } from 'mongoose';
import { isDuplicateKeyError } from '../lib/db';
import { enterEveryCaseItem, markCompleteIfNothingStoredYet } from './case-items-backfill';
import { CaseItem, CaseItemsComplete, completeId, type CaseItemDocument, type CaseItemKind } from './case-items.model';

const probeBatch = 8;

export interface NewCaseItem {
  kind: CaseItemKind;
  itemId: Types.ObjectId;
  at: Date;
  type?: string;
  size?: number;
}

export async function enterCaseItem(caseId: Types.ObjectId, item: NewCaseItem): Promise<void> {
  await markCompleteIfNothingStoredYet();
  for (let n = (await entriesOf(caseId)).length; ; n += 1) {
    try {
      await CaseItem.create({ _id: `${caseId.toString()}:${n}`, ...item });
      return;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}

/** The entries of a case in the order they were made, probing `probeBatch` keys at a time up to the first free one. */
export async function entriesOf(caseId: Types.ObjectId): Promise<CaseItemDocument[]> {
  const found: CaseItemDocument[] = [];
  for (let start = 0; ; start += probeBatch) {
    const batch = await Promise.all(Array.from({ length: probeBatch }, (_, offset) => CaseItem.findById(`${caseId.toString()}:${start + offset}`).lean<CaseItemDocument>()));
    for (const entry of batch) {
      if (!entry) return found;
      found.push(entry);
    }
  }
}

/**
 * A case's current entries (each item once, none discarded), or null while
 * entries are not complete for items stored before them (the caller reads by
 * caseId then; the start-up pass completes them: a read never writes).
 */
export async function currentEntries(caseId: Types.ObjectId): Promise<CaseItemDocument[] | null> {
  const [complete, entries] = await Promise.all([CaseItemsComplete.exists({ _id: completeId }), entriesOf(caseId)]);
  if (!complete) return null;
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const id = entry.itemId.toString();
    if (entry.discarded || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A failure is left for the next read or start-up to try again. */
export function completeEntriesInBackground(): Promise<unknown> {
  return enterEveryCaseItem().catch(() => undefined);
}

/** For an item whose write failed after its entry was made. */
export async function discardCaseItems(caseId: Types.ObjectId, itemIds: readonly Types.ObjectId[]): Promise<void> {
  const wanted = new Set(itemIds.map(String));
  for (const entry of await entriesOf(caseId)) {
    if (wanted.has(entry.itemId.toString())) await CaseItem.updateOne({ _id: entry._id }, { $set: { discarded: true } });
  }
}

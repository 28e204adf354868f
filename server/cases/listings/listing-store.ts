/**
 * Reading and writing the stored lists by _id, and the current rows of
 * changed cases. Each instance keeps the lists it read, with the token of
 * the write they came from: while the token is unchanged (one small read),
 * the lists are not fetched again.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { Case } from '../case.model';
import { caseStages } from '../case-stages';
import { decodeClosedCounts, type ClosedCounts } from './closed-counts';
import { decodeRows, encodeRows, listingFields, rowOf, type ListedCase, type ListingRow } from './listing-row';
import { CaseListing, closedCountsId, writtenId } from './listing.model';

export const openListingIds = caseStages.filter((stage) => stage !== 'closed').map((stage) => `open:${stage}`);

export interface StoredList {
  rows: Map<string, ListingRow>;
  stored: string;
}

const kept = new Map<string, { token: string; rows: ReadonlyMap<string, ListingRow>; stored: string }>();

/** Each list asked for, as rows by case id (a copy: the caller may change it), and the stored text it was read as. */
export async function readLists(ids: readonly string[]): Promise<Map<string, StoredList>> {
  const token = (await CaseListing.findById(writtenId, { token: 1 }).lean())?.token ?? null;
  const isKept = (id: string) => token !== null && kept.get(id)?.token === token;
  const docs = await Promise.all(ids.map((id) => (isKept(id) ? null : CaseListing.findById(id, { rows: 1 }).lean())));
  const lists = new Map<string, StoredList>();
  ids.forEach((id, index) => {
    let entry = isKept(id) ? kept.get(id) : undefined;
    if (!entry) {
      const stored = docs[index]?.rows ?? '[]';
      entry = { token: token ?? '', rows: new Map(decodeRows(stored).map((row) => [row.id, row])), stored };
      if (token !== null) kept.set(id, entry);
    }
    lists.set(id, { rows: new Map(entry.rows), stored: entry.stored });
  });
  return lists;
}

/** Rewrites the lists whose rows changed since they were read, then the token that tells every instance. */
export async function writeLists(lists: ReadonlyMap<string, StoredList>): Promise<void> {
  let changed = false;
  for (const [id, list] of lists) {
    const rows = encodeRows(list.rows.values());
    if (rows === list.stored) continue;
    await CaseListing.replaceOne({ _id: id }, { rows }, { upsert: true });
    changed = true;
  }
  if (changed) await markListsWritten();
}

export async function markListsWritten(): Promise<void> {
  await CaseListing.replaceOne({ _id: writtenId }, { token: randomUUID() }, { upsert: true });
}

export async function readClosedCounts(): Promise<ClosedCounts> {
  return decodeClosedCounts((await CaseListing.findById(closedCountsId, { counts: 1 }).lean())?.counts);
}

export async function writeClosedCounts(counts: ClosedCounts): Promise<void> {
  await CaseListing.replaceOne({ _id: closedCountsId }, { counts: JSON.stringify(counts) }, { upsert: true });
}

/** The cases as they are now, read by _id: a row each, or null for a case that is gone. */
export async function currentRows(caseIds: readonly unknown[]): Promise<Map<string, ListingRow | null>> {
  const ids = [...new Set(caseIds.map(String))];
  const found = await Promise.all(ids.map((id) => Case.findById(new Types.ObjectId(id), listingFields).lean()));
  return new Map(ids.map((id, index) => [id, found[index] ? rowOf(found[index] as unknown as ListedCase) : null]));
}

/** Reading and writing the stored lists by _id, and the current rows of changed cases. */
import { Types } from 'mongoose';
import { Case } from '../case.model';
import { caseStages } from '../case-stages';
import { decodeClosedCounts, type ClosedCounts } from './closed-counts';
import { decodeRows, encodeRows, listingFields, rowOf, type ListedCase, type ListingRow } from './listing-row';
import { CaseListing, closedCountsId } from './listing.model';

export const openListingIds = caseStages.filter((stage) => stage !== 'closed').map((stage) => `open:${stage}`);

/** Each list asked for, as rows by case id, and the stored text it was read as. */
export async function readLists(ids: readonly string[]): Promise<Map<string, { rows: Map<string, ListingRow>; stored: string }>> {
  const docs = await Promise.all(ids.map((id) => CaseListing.findById(id, { rows: 1 }).lean()));
  return new Map(ids.map((id, index) => {
    const stored = docs[index]?.rows ?? '[]';
    return [id, { rows: new Map(decodeRows(stored).map((row) => [row.id, row])), stored }];
  }));
}

/** Rewrites the lists whose rows changed since they were read. */
export async function writeLists(lists: ReadonlyMap<string, { rows: Map<string, ListingRow>; stored: string }>): Promise<void> {
  for (const [id, list] of lists) {
    const rows = encodeRows(list.rows.values());
    if (rows !== list.stored) await CaseListing.replaceOne({ _id: id }, { rows }, { upsert: true });
  }
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

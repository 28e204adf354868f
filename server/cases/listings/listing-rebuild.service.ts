/**
 * Building the lists from the cases: the first time (the upgrade from the
 * layout without lists), after a change could not be recorded, and with
 * `npm run rollup:rebuild`. One pass over the cases under the lists' lock;
 * changes recorded meanwhile stay stored and are folded in afterwards.
 */
import mongoose from 'mongoose';
import { Case } from '../case.model';
import { countClosed, noClosedCounts } from './closed-counts';
import { encodeRows, isOpen, listingFields, listingIdOf, rowOf, type ListedCase, type ListingRow } from './listing-row';
import { CaseListing, listingMetaId, listingStaleId, listingVersion } from './listing.model';
import { withListingLock } from './listing-fold.service';
import { markListsWritten, openListingIds, writeClosedCounts } from './listing-store';

const rebuildLockWaitMs = 60_000;

export async function rebuildListings(): Promise<{ cases: number }> {
  let cases = 0;
  const done = await withListingLock(rebuildLockWaitMs, async () => {
    const stale = await CaseListing.exists({ _id: listingStaleId });
    const lists = new Map<string, ListingRow[]>(openListingIds.map((id) => [id, []]));
    const counts = noClosedCounts();
    for await (const stored of Case.find({}, listingFields).lean().cursor({ batchSize: 2000 })) {
      const row = rowOf(stored as unknown as ListedCase);
      const id = listingIdOf(row);
      if (!lists.has(id)) lists.set(id, []);
      lists.get(id)!.push(row);
      if (!isOpen(row)) countClosed(counts, row, 1);
      cases += 1;
    }
    const existing = await CaseListing.find({}, { _id: 1 }).lean();
    for (const { _id } of existing) if (_id.startsWith('closed:') && !lists.has(_id)) lists.set(_id, []);
    for (const [id, rows] of lists) await CaseListing.replaceOne({ _id: id }, { rows: encodeRows(rows) }, { upsert: true });
    await writeClosedCounts(counts);
    await markListsWritten();
    await CaseListing.replaceOne({ _id: listingMetaId }, { version: listingVersion, builtAt: new Date() }, { upsert: true });
    if (stale) await CaseListing.deleteOne({ _id: listingStaleId });
  });
  if (!done) throw new Error('The case lists stayed locked');
  return { cases };
}

let building: Promise<void> | undefined;

/** The first time, or after an upgrade of their shape: build the lists from the cases; once per process at a time. */
export function ensureListingsBuilt(): Promise<void> {
  building ??= (async () => {
    const meta = await CaseListing.findById(listingMetaId, { version: 1 }).lean();
    if (!meta || (meta.version ?? 0) < listingVersion) await rebuildListings();
  })().finally(() => {
    building = undefined;
  });
  return building;
}

/** The periodic repair: a change that could not be recorded marked the lists stale; rebuild them off the request path. */
export async function repairListingsWhileConnected(): Promise<void> {
  if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return;
  if (await CaseListing.exists({ _id: listingStaleId })) await rebuildListings();
}


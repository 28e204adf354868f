/**
 * Folding recorded changes into the stored lists: one writer at a time
 * (lib/locks.ts); each changed case is read as it is
 * now, so the order of changes does not matter and folding twice changes
 * nothing. The changes are deleted only after the lists are written.
 */
import mongoose, { trusted } from 'mongoose';
import { withLock } from '../../lib/locks';
import { countClosed } from './closed-counts';
import { isOpen, listingIdOf } from './listing-row';
import { ListingChange } from './listing.model';
import { currentRows, openListingIds, readClosedCounts, readLists, writeClosedCounts, writeLists } from './listing-store';

export async function foldListingChangesWhileConnected(): Promise<void> {
  if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) await foldListingChanges();
}

/** False when another writer holds the lists: its fold or rebuild takes these changes in too. */
export async function foldListingChanges(): Promise<boolean> {
  return withListingLock(0, async () => {
    const changes = await ListingChange.find({}).lean();
    if (changes.length === 0) return;
    const truths = await currentRows(changes.map((change) => change.caseId));
    const months = [...new Set([...truths.values()].flatMap((row) => (row ? [row.monthKey] : [])))];
    const [lists, counts] = await Promise.all([readLists([...openListingIds, ...months.map((month) => `closed:${month}`)]), readClosedCounts()]);
    const countsBefore = JSON.stringify(counts);
    for (const [id, truth] of truths) {
      for (const list of lists.values()) {
        const before = list.rows.get(id);
        if (!before) continue;
        if (!isOpen(before)) countClosed(counts, before, -1);
        list.rows.delete(id);
      }
      if (!truth) continue;
      lists.get(listingIdOf(truth))!.rows.set(id, truth);
      if (!isOpen(truth)) countClosed(counts, truth, 1);
    }
    await writeLists(lists);
    if (JSON.stringify(counts) !== countsBefore) await writeClosedCounts(counts);
    await ListingChange.deleteMany({ _id: trusted({ $in: changes.map((change) => change._id) }) });
  });
}

/** Runs `work` holding the lists' lock, waiting up to waitMs for it; false if it could not be had. */
export function withListingLock(waitMs: number, work: () => Promise<void>): Promise<boolean> {
  return withLock('case-listings', { waitMs }, work);
}

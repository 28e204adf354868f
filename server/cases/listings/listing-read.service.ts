/**
 * What staff lists read: the working set (every case not yet closed) and,
 * for the months asked, the closed cases received in them, with the closed
 * counts. Changes not folded in yet are read from the cases themselves and
 * put over the stored rows, so a list is exact right after a move.
 *
 * The changes are read before the lists: a fold that finishes in between has
 * written the lists already, and one that is half-way still has its changes
 * stored, which win.
 */
import { countClosed, type ClosedCounts } from './closed-counts';
import { isOpen, type ListingRow } from './listing-row';
import { ListingChange } from './listing.model';
import { ensureListingsBuilt } from './listing-rebuild.service';
import { currentRows, openListingIds, readClosedCounts, readLists } from './listing-store';

export interface Listing {
  rows: ListingRow[];
  closedCounts: ClosedCounts;
}

export async function readListing(closedMonths: readonly string[] = []): Promise<Listing> {
  await ensureListingsBuilt();
  const changes = await ListingChange.find({}, { caseId: 1 }).lean();
  const truths = await currentRows(changes.map((change) => change.caseId));
  const changedMonths = [...truths.values()].flatMap((row) => (row ? [row.monthKey] : []));
  const closedIds = [...new Set([...closedMonths, ...changedMonths])].map((month) => `closed:${month}`);
  const [lists, closedCounts] = await Promise.all([readLists([...openListingIds, ...closedIds]), readClosedCounts()]);

  const rows = new Map<string, ListingRow>();
  const stored = new Map<string, ListingRow>();
  for (const [id, list] of lists) {
    for (const row of list.rows.values()) {
      stored.set(row.id, row);
      if (id.startsWith('open:') || closedMonths.includes(row.monthKey)) rows.set(row.id, row);
    }
  }
  for (const [id, truth] of truths) {
    const before = stored.get(id);
    if (before && !isOpen(before)) countClosed(closedCounts, before, -1);
    if (truth && !isOpen(truth)) countClosed(closedCounts, truth, 1);
    rows.delete(id);
    if (truth && (isOpen(truth) || closedMonths.includes(truth.monthKey))) rows.set(id, truth);
  }
  return { rows: [...rows.values()], closedCounts };
}

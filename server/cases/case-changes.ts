/**
 * "A case changed": the one call every writer of a case makes after storing
 * it, moving it or changing what its lists show (assignee, priority), so that
 * whatever lists or counts cases hears of it: the staff lists
 * (listings/) and the monthly roll-up (oversight/, through CaseChange).
 */
import { figuresOfCase, encodeMonthCases, type CaseLike } from './case-figures';
import { CaseChange, markDirty } from './case-change.model';
import { CaseListing, ListingChange, listingStaleId } from './listings/listing.model';

export async function recordCaseChange(state: CaseLike): Promise<void> {
  const figures = figuresOfCase(state);
  // The case itself is stored: a change that cannot be recorded is put right by a recount later, rather than failing the request.
  await ListingChange.create({ caseId: state._id }).catch(() => CaseListing.create({ _id: listingStaleId }).catch(() => undefined));
  try {
    await CaseChange.create({ month: figures.month, line: encodeMonthCases(new Map([[figures.id, figures]])) });
  } catch {
    await markDirty(figures.month, 'failed').catch(() => undefined);
  }
}

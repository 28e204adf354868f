/**
 * The lists staff work from, kept so that no list reads every case ever
 * received (on FerretDB v1 any filter but { _id } reads the whole
 * collection). Read and written by _id only.
 *
 * - case_listings: `open:<stage>` for each stage before closed (the working
 *   set: bounded by what the office has in hand, not by history),
 *   `closed:<YYYY-MM>` per received month, `closed-counts`, and `meta` (when
 *   it was last built from the cases). Rows as one JSON string each.
 * - case_listing_changes: "case X changed", written by recordCaseChange (an
 *   insert, no lock). Readers put the current state of those cases over the
 *   stored rows; a fold writes them in and deletes them.
 * One writer of case_listings at a time: the lock `case-listings` (lib/locks.ts).
 */
import { dayStampedId } from '../reporter-time';
import { Schema, Types, model } from 'mongoose';

export const CaseListing = model('CaseListing', new Schema(
  {
    _id: { type: String, required: true },
    /** open:… and closed:…: the rows, as JSON */
    rows: { type: String, default: '[]' },
    /** closed-counts: ClosedCounts as JSON */
    counts: { type: String, default: null },
    /** meta: listingVersion when built, and when */
    version: { type: Number, default: null },
    /** written: a new random value each time any list is rewritten, so instances know when what they keep is stale */
    token: { type: String, default: null },
    builtAt: { type: Date, default: null },
  },
  { collection: 'case_listings', versionKey: false },
));

export const ListingChange = model('ListingChange', new Schema(
  {
    // Names a case, and may follow its report: the id says no more than the day.
    _id: { type: Schema.Types.ObjectId, default: () => dayStampedId() },
    caseId: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'case_listing_changes', versionKey: false },
));

export const listingMetaId = 'meta';
/** Present while a change could not be recorded: the next repair rebuilds the lists. */
export const listingStaleId = 'stale';
export const closedCountsId = 'closed-counts';
export const writtenId = 'written';
/** Raise when rows change shape: the lists are then rebuilt from the cases. */
export const listingVersion = 3;

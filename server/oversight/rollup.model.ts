/**
 * The monthly roll-up, in four small collections of its own, and the two of
 * cases/case-change.model.ts it reads (pending changes, dirty months). Reads and writes go by _id
 * only: FerretDB v1 on SQLite pushes nothing but `{ _id: … }` down to the
 * database, so any other filter reads the whole collection.
 *
 * - oversight_rollups: one document per month and dimension
 *   (`2025-03:unit`), holding a counter per dimension value:
 *   n (every case) and p (cases not about the commission's own staff),
 *   kept as one JSON string because FerretDB decodes arrays of documents
 *   about ten times slower.
 * - oversight_rollup_cases: per month, the figures of each case as last
 *   counted (one line per case), so that applying a change is idempotent
 *   and a rebuild can tell a newer state from an older one; split into 16
 *   buckets by case id (`2025-03/7`) so a change rewrites a small document.
 * - oversight_rollup_locks: one per month while someone updates it; taking
 *   it is an insert on the unique _id, the one write FerretDB makes atomic.
 * - oversight_rollup_meta: when the roll-up was last rebuilt from the cases
 *   and the first month that has cases.
 */
import { Schema, model } from 'mongoose';

export const Rollup = model('OversightRollup', new Schema(
  {
    _id: { type: String, required: true },
    month: { type: String, required: true },
    dimension: { type: String, required: true },
    /** JSON [[value, n, p], …]: FerretDB reads one string many times faster than an array of documents */
    counts: { type: String, default: '[]' },
  },
  { collection: 'oversight_rollups', versionKey: false },
));

export const RollupCases = model('OversightRollupCases', new Schema(
  {
    _id: { type: String, required: true },
    /** one line per case: `<case id> <JSON figures>` */
    lines: { type: String, default: '' },
  },
  { collection: 'oversight_rollup_cases', versionKey: false },
));

export const RollupLock = model('OversightRollupLock', new Schema(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'oversight_rollup_locks', versionKey: false },
));

export const RollupMeta = model('OversightRollupMeta', new Schema(
  {
    _id: { type: String, required: true },
    builtAt: { type: Date, required: true },
    firstMonth: { type: String, required: true },
    /** rollupVersion when it was built: an older roll-up lacks dimensions added since and is rebuilt */
    version: { type: Number, default: 1 },
  },
  { collection: 'oversight_rollup_meta', versionKey: false },
));

export const rollupMetaId = 'rollup';
/** 2: the decision dimension (declined or transferred, kept after closing). 3: channel and channelStage (how a case came in). 4: unitChannel and unitTimeliness (the unit assessment). */
export const rollupVersion = 4;

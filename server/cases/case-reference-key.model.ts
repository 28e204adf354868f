/**
 * How staff find a case by its reference (TZ-2026-00042): one document per
 * case whose _id is the reference, so the case page, links between cases and
 * the monthly report's case links read by _id, served by an index on
 * FerretDB (through the launcher's lookup indexes) and MongoDB alike,
 * instead of scanning every case (12 s at 100,000 on FerretDB with SQLite).
 *
 * Written right after the case is inserted. Cases stored before this
 * existed, or imported straight into the database, get theirs at start-up
 * (rememberEveryReference) or, until that pass has finished once, the first
 * time they are asked for: a reference without a key is looked for in the
 * cases, and remembered. After the pass (`case_references_meta`), a miss
 * reads nothing more: cases imported straight into the database later need
 * a restart (or the pass) to be found.
 */
import { Schema, model, type Types } from 'mongoose';
import { isDuplicateKeyError } from '../lib/db';
import { Case } from './case.model';

export const CaseReferenceKey = model('CaseReferenceKey', new Schema(
  { _id: { type: String, required: true }, caseId: { type: Schema.Types.ObjectId, required: true } },
  { collection: 'case_references', versionKey: false },
));

const KeysComplete = model('CaseReferenceKeysComplete', new Schema(
  { _id: { type: String, required: true } },
  { collection: 'case_references_meta', versionKey: false },
));
const completeId = 'complete';
let knownComplete = false;

async function keysComplete(): Promise<boolean> {
  knownComplete ||= (await KeysComplete.exists({ _id: completeId })) !== null;
  return knownComplete;
}

export async function caseIdForReference(reference: string): Promise<Types.ObjectId | null> {
  const key = await CaseReferenceKey.findById(reference).lean();
  if (key) return key.caseId as Types.ObjectId;
  if (await keysComplete()) return null;
  const stored = await Case.findOne({ reference }, { _id: 1 }).lean();
  if (!stored) return null;
  await rememberReference(reference, stored._id);
  return stored._id;
}

/** Idempotent: a second writer for the same case finds the key already there. */
export async function rememberReference(reference: string, caseId: Types.ObjectId): Promise<void> {
  try {
    await CaseReferenceKey.create({ _id: reference, caseId });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** One pass over the cases (start-up, in the background): every case without its key gets it. Returns how many were added. */
export async function rememberEveryReference(): Promise<number> {
  const known = new Set((await CaseReferenceKey.find({}, { _id: 1 }).lean()).map((key) => key._id));
  let missing: Array<{ _id: string; caseId: Types.ObjectId }> = [];
  let added = 0;
  const write = async () => {
    added += await insertIgnoringTwins(missing);
    missing = [];
  };
  for await (const stored of Case.find({}, { reference: 1 }).lean().cursor({ batchSize: 2000 })) {
    if (known.has(stored.reference)) continue;
    missing.push({ _id: stored.reference, caseId: stored._id });
    if (missing.length === 1000) await write();
  }
  await write();
  await KeysComplete.updateOne({ _id: completeId }, { $setOnInsert: { _id: completeId } }, { upsert: true });
  return added;
}

// A key written meanwhile by a request (a duplicate _id) is already right.
async function insertIgnoringTwins(keys: ReadonlyArray<{ _id: string; caseId: Types.ObjectId }>): Promise<number> {
  if (keys.length === 0) return 0;
  try {
    return (await CaseReferenceKey.insertMany(keys, { ordered: false })).length;
  } catch (error) {
    const inserted = (error as { insertedDocs?: unknown[]; result?: { insertedCount?: number } }).result?.insertedCount;
    if (!isDuplicateKeyError(error) || inserted === undefined) throw error;
    return inserted;
  }
}

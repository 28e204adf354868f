/**
 * How a reporter's code finds its case: one document per case whose _id is
 * the lookup id derived from the code. FerretDB on SQLite pushes only _id
 * lookups down to its storage (any other filter reads the whole collection),
 * so this keeps /track and the double-submit check an indexed query on both
 * FerretDB and MongoDB. Written right after the case; a case without one
 * (the process died in between) is repaired on the next submit of its form.
 */
import { Schema, model, type Types } from 'mongoose';
import { isDuplicateKeyError } from '../lib/db';

const caseLookupSchema = new Schema(
  { _id: { type: String, required: true }, caseId: { type: Schema.Types.ObjectId, required: true } },
  { collection: 'case_lookups', versionKey: false },
);

export const CaseLookup = model('CaseLookup', caseLookupSchema);

export async function caseIdForLookup(lookupId: string): Promise<Types.ObjectId | null> {
  const lookup = await CaseLookup.findById(lookupId).lean();
  return lookup ? (lookup.caseId as Types.ObjectId) : null;
}

/** Idempotent: a second writer for the same case finds the document already there. */
export async function rememberLookup(lookupId: string, caseId: Types.ObjectId): Promise<void> {
  try {
    await CaseLookup.create({ _id: lookupId, caseId });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

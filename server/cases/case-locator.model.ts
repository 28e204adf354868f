/**
 * How a reporter's code finds its case: the code's first six digits are the
 * `_id` of one document per case, holding the case's id, its own argon2id
 * salt and the verifier of the code's secret (sealing/tracking-code.ts). A
 * lookup reads this one document by `_id` (pushed down by FerretDB and
 * MongoDB alike), runs one argon2id and compares.
 *
 * A form token gives a list of candidate locators and a salt
 * (reports/form-token.ts). Submitting claims the first candidate that is
 * free; a candidate held with the same salt is this form's own claim (a
 * double submit, or a first attempt that died before its case was stored).
 * Locators are never given back, so a million of them serve about half a
 * million cases before a new form's candidates are all taken (see
 * candidateLocatorCount).
 */
import { Schema, model, type Types } from 'mongoose';
import { isDuplicateKeyError } from '../lib/db';
import { storedBytes } from './stored-bytes';

export const CaseLocator = model('CaseLocator', new Schema(
  {
    _id: { type: String, required: true },
    /** indexed for MongoDB: a purge of a case stored before cases kept their locator finds it by case */
    caseId: { type: Schema.Types.ObjectId, required: true, index: true },
    salt: { type: Buffer, required: true },
    verifier: { type: String, required: true },
  },
  { collection: 'case_locators', versionKey: false },
));

export interface LocatorClaim {
  locator: string;
  caseId: Types.ObjectId;
}

export interface CodeMaterial {
  /** in the order a submission tries them */
  locators: readonly string[];
  caseSalt: Buffer;
}

export class NoFreeLocatorError extends Error {
  constructor() {
    super('every candidate locator of this form is taken');
    this.name = 'NoFreeLocatorError';
  }
}

export async function findLocator(locator: string): Promise<{ caseId: Types.ObjectId; salt: Buffer; verifier: string } | null> {
  const found = await CaseLocator.findById(locator).lean();
  if (!found) return null;
  return { caseId: found.caseId as Types.ObjectId, salt: storedBytes(found.salt), verifier: found.verifier };
}

/**
 * This form's claim, if it made one. Locators are never freed, so once a
 * candidate is free no later one can hold this form's claim.
 */
export async function earlierClaim(material: CodeMaterial): Promise<LocatorClaim | null> {
  for (const locator of material.locators) {
    const found = await findLocator(locator);
    if (!found) return null;
    if (found.salt.equals(material.caseSalt)) return { locator, caseId: found.caseId };
  }
  return null;
}

/** Claims the first free candidate for caseId, or returns the claim a twin request made first. */
export async function claimLocator(material: CodeMaterial, caseId: Types.ObjectId, verifier: string): Promise<LocatorClaim> {
  for (const locator of material.locators) {
    try {
      await CaseLocator.create({ _id: locator, caseId, salt: material.caseSalt, verifier });
      return { locator, caseId };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const holder = await findLocator(locator);
      if (holder?.salt.equals(material.caseSalt)) return { locator, caseId: holder.caseId };
    }
  }
  throw new NoFreeLocatorError();
}

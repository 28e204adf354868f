/**
 * A reporter opens their case with the tracking code alone. Wrong, malformed
 * and unknown codes all cost one argon2id evaluation and end in the same
 * answer, so neither the response nor its timing tells them apart.
 *
 * A code's locator finds the case's salt and verifier by _id
 * (cases/case-locator.model.ts); a 16-digit code of the first scheme finds
 * its case through case_lookups, as it always did.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Types } from 'mongoose';
import { Case, type CaseDocument } from '../cases/case.model';
import { findLocator } from '../cases/case-locator.model';
import { caseIdForLookup } from '../cases/case-lookup.model';
import { openCaseKeyAsReporter } from '../cases/sealing/case-keys';
import {
  caseSaltLength,
  deriveCaseTrackingKeys,
  deriveLegacyTrackingKeys,
  isLegacyTrackingCode,
  normalizeTrackingCode,
  splitTrackingCode,
  type TrackingKeys,
} from '../cases/sealing/tracking-code';

export interface ReporterAccess {
  code: string;
  caseDocument: CaseDocument;
  dataKey: Buffer;
}

const decoyCode = '00000000000000000000';
const decoySalt = Buffer.alloc(caseSaltLength);

export async function openCaseWithCode(input: unknown, trackingSalt: Buffer): Promise<ReporterAccess | null> {
  const code = normalizeTrackingCode(input);
  const found = code && isLegacyTrackingCode(code) ? await findByLegacyCode(code, trackingSalt) : await findByCode(code, trackingSalt);
  const caseDocument = found ? await Case.findById(found.caseId).lean<CaseDocument>() : null;
  // A purged case, or one whose code expired, keeps no key for its reporter: the ordinary not-found.
  if (!code || !found || !caseDocument?.keys?.wrappedForReporter || caseDocument.purgedDate) return null;
  const dataKey = openCaseKeyAsReporter(found.keys, caseDocument.keys!.wrappedForReporter);
  found.keys.wrapKey.fill(0);
  return { code, caseDocument, dataKey };
}

interface Found {
  caseId: Types.ObjectId;
  keys: TrackingKeys;
}

async function findByCode(code: string | null, trackingSalt: Buffer): Promise<Found | null> {
  const { locator, secret } = splitTrackingCode(code ?? decoyCode);
  const entry = code ? await findLocator(locator) : null;
  const keys = await deriveCaseTrackingKeys(secret, entry?.salt ?? decoySalt, trackingSalt);
  if (!entry || !sameHex(keys.lookupId, entry.verifier)) return null;
  return { caseId: entry.caseId, keys };
}

async function findByLegacyCode(code: string, trackingSalt: Buffer): Promise<Found | null> {
  const keys = await deriveLegacyTrackingKeys(code, trackingSalt);
  const caseId = await caseIdForLookup(keys.lookupId);
  return caseId ? { caseId, keys } : null;
}

function sameHex(derived: string, stored: string): boolean {
  const a = Buffer.from(derived, 'hex');
  const b = Buffer.from(stored, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when the text carries the code, however it is spaced or punctuated. */
export function containsCode(text: string, code: string): boolean {
  const digits = text.normalize('NFKC').replace(/\D/g, '');
  return digits.includes(code);
}

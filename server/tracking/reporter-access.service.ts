/**
 * A reporter opens their case with the tracking code alone. Wrong, malformed
 * and unknown codes all cost one argon2id evaluation and end in the same
 * answer, so neither the response nor its timing tells them apart.
 */
import { Case, type CaseDocument } from '../cases/case.model';
import { caseIdForLookup } from '../cases/case-lookup.model';
import { openCaseKeyAsReporter } from '../cases/sealing/case-keys';
import { deriveTrackingKeys, normalizeTrackingCode } from '../cases/sealing/tracking-code';

export interface ReporterAccess {
  code: string;
  caseDocument: CaseDocument;
  dataKey: Buffer;
}

const decoyCode = '0000000000000000';

export async function openCaseWithCode(input: unknown, trackingSalt: Buffer): Promise<ReporterAccess | null> {
  const code = normalizeTrackingCode(input);
  const keys = await deriveTrackingKeys(code ?? decoyCode, trackingSalt);
  if (!code) return null;
  const caseId = await caseIdForLookup(keys.lookupId);
  const caseDocument = caseId ? await Case.findById(caseId).lean<CaseDocument>() : null;
  if (!caseDocument) return null;
  const dataKey = openCaseKeyAsReporter(keys, caseDocument.keys!.wrappedForReporter);
  keys.wrapKey.fill(0);
  return { code, caseDocument, dataKey };
}

/** True when the text carries the code, however it is spaced or punctuated. */
export function containsCode(text: string, code: string): boolean {
  const digits = text.normalize('NFKC').replace(/\D/g, '');
  return digits.includes(code);
}

/**
 * The commission's side of sealing: with the unlocked commission private key,
 * open a case's data key and read what the reporter wrote. Identity is opened
 * separately and only on purpose (the identity custodian, with a reason).
 */
import { sealContext, type CaseDocument } from './case.model';
import { openCaseKeyAsCommission } from './sealing/case-keys';
import { reportContext } from './bound-seals';
import { open, openJson, SealBrokenError } from './sealing/content-box';
import { storedBytes } from './stored-bytes';
import { filesOf } from './case-timeline.service';

export interface ReportContent {
  description: string;
  whenWhere: string;
  officialName: string;
  workOrderNumber: string;
  unitOther: string;
}

export interface ReporterIdentity {
  name: string;
  phone: string;
  email: string;
  companyName: string;
  creditCode: string;
  notifyByEmail: boolean;
}

export function caseDataKey(caseDocument: CaseDocument, privateKeyPem: string): Buffer {
  return openCaseKeyAsCommission(privateKeyPem, caseDocument.keys!.sealedForCommission!);
}

/** Throws SealBrokenError when the case's clear fields no longer match its seal (bound-seals.ts). */
export function readReport(caseDocument: CaseDocument, dataKey: Buffer): ReportContent {
  return openJson<ReportContent>(dataKey, storedBytes(caseDocument.sealed!.report), reportContext(caseDocument));
}

/** The report, or null when the case's clear fields no longer match its seal. */
export function readReportUnlessTampered(caseDocument: CaseDocument, dataKey: Buffer): ReportContent | null {
  try {
    return readReport(caseDocument, dataKey);
  } catch (error) {
    if (error instanceof SealBrokenError) return null;
    throw error;
  }
}

export function readIdentity(caseDocument: CaseDocument, dataKey: Buffer): ReporterIdentity | null {
  const sealed = caseDocument.sealed?.identity;
  return sealed ? openJson<ReporterIdentity>(dataKey, storedBytes(sealed), sealContext.identity(caseDocument._id.toString())) : null;
}

export async function readAttachments(caseDocument: CaseDocument, dataKey: Buffer): Promise<Array<{ id: string; type: string; bytes: Buffer }>> {
  const attachments = await filesOf(caseDocument._id);
  return attachments.map((attachment) => ({
    id: attachment._id.toString(),
    type: attachment.type,
    bytes: open(dataKey, storedBytes(attachment.sealedBytes), sealContext.attachment(caseDocument._id.toString(), attachment._id.toString())),
  }));
}

/**
 * A reporter adds information or files to their case: the files are cleaned
 * and sealed first, then the message that refers to them is inserted (one
 * document, never an update of the case, so nothing can be lost to a
 * concurrent change).
 */
import { claimAttachments, cleanFiles, discardAttachments, storeSealedAttachments } from '../cases/attachments.service';
import { discardCaseItems } from '../cases/case-items.service';
import { addCaseMessage } from '../cases/case-message.service';
import { markReporterAddition } from '../cases/reporter-addition.model';
import type { EvidenceRefusalReason } from '../cases/evidence/clean-evidence';
import { canStartReview, startReview } from '../voice/review-start.service';
import type { ReporterAccess } from './reporter-access.service';

export type AddOutcome = { status: 'added' } | { status: 'evidenceRefused'; fileNumber: number; reason: EvidenceRefusalReason };

export async function addReporterInformation(access: ReporterAccess, text: string, files: readonly Buffer[]): Promise<AddOutcome> {
  const cleaning = await cleanFiles(files);
  if (!cleaning.ok) return { status: 'evidenceRefused', fileNumber: cleaning.fileNumber, reason: cleaning.reason };
  const caseId = access.caseDocument._id;
  const attachmentIds = await storeSealedAttachments(caseId, access.dataKey, cleaning.files);
  // Before the message: a mark left by a crash only shows 新补充 for nothing. Staff see it in the queue; the assignee is mailed (triage/reporter-additions.service.ts).
  await markReporterAddition(caseId);
  try {
    await addCaseMessage({ caseId, from: 'reporter', type: 'addition', text, attachmentIds }, access.dataKey);
  } catch (error) {
    await discardAttachments(attachmentIds).catch(() => undefined);
    await discardCaseItems(caseId, attachmentIds).catch(() => undefined);
    throw error;
  }
  // The sweep checks a mark's messages before removing a file, so a mark left behind is harmless.
  await claimAttachments(attachmentIds).catch(() => undefined);
  // New information on an answered case is looked at again (复查); the addition itself is kept whatever happens to the move.
  if (canStartReview(access.caseDocument)) await startReview(access.caseDocument, 'addition').catch(() => undefined);
  return { status: 'added' };
}

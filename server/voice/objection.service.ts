/**
 * A reporter who rated the handling 不满意 objects (异议): text and files,
 * cleaned and sealed like every file, stored as a message of the case, then
 * the case moves to review. Files first, then the message, then the move: a
 * crash before the move leaves an objection the staff can read on a case not
 * yet under review, and the reporter can object again.
 */
import { claimAttachments, cleanFiles, discardAttachments, storeSealedAttachments } from '../cases/attachments.service';
import { discardCaseItems } from '../cases/case-items.service';
import { addCaseMessage } from '../cases/case-message.service';
import type { EvidenceRefusalReason } from '../cases/evidence/clean-evidence';
import { HttpError } from '../lib/http-error';
import { CaseRating } from './rating.model';
import type { ReporterKey } from './rating.service';
import { canStartReview, startReview } from './review-start.service';

export type ObjectionOutcome = { status: 'objected' } | { status: 'evidenceRefused'; fileNumber: number; reason: EvidenceRefusalReason };

/** After 不满意 with the present answer: an objection moves the case to review, and the answer after it is rated anew. */
export async function mayObject(caseDocument: ReporterKey['caseDocument']): Promise<boolean> {
  if (!canStartReview(caseDocument)) return false;
  const rating = await CaseRating.findById(caseDocument._id.toString()).lean();
  return rating?.level === 'dissatisfied' && (rating.round ?? 0) === (caseDocument.round ?? 0);
}

export async function objectToCase(access: ReporterKey, text: string, files: readonly Buffer[]): Promise<ObjectionOutcome> {
  const { caseDocument, dataKey } = access;
  if (!(await mayObject(caseDocument))) throw new HttpError(409, 'transitionNotAllowed');
  const cleaning = await cleanFiles(files);
  if (!cleaning.ok) return { status: 'evidenceRefused', fileNumber: cleaning.fileNumber, reason: cleaning.reason };
  const caseId = caseDocument._id;
  const attachmentIds = await storeSealedAttachments(caseId, dataKey, cleaning.files);
  try {
    await addCaseMessage({ caseId, from: 'reporter', type: 'objection', text, attachmentIds }, dataKey);
  } catch (error) {
    await discardAttachments(attachmentIds).catch(() => undefined);
    await discardCaseItems(caseId, attachmentIds).catch(() => undefined);
    throw error;
  }
  await claimAttachments(attachmentIds).catch(() => undefined);
  await startReview(caseDocument, 'objection');
  return { status: 'objected' };
}

/**
 * A reporter adds information or files to their case: the files are cleaned
 * and sealed first, then the message that refers to them is inserted (one
 * document, never an update of the case, so nothing can be lost to a
 * concurrent change).
 */
import { Types } from 'mongoose';
import { cleanFiles, discardAttachments, storeSealedAttachments } from '../cases/attachments.service';
import { discardCaseItems, enterCaseItem } from '../cases/case-items.service';
import { CaseMessage } from '../cases/case-message.model';
import { sealContext } from '../cases/case.model';
import { sealJson } from '../cases/sealing/content-box';
import type { EvidenceRefusalReason } from '../cases/evidence/clean-evidence';
import type { ReporterAccess } from './reporter-access.service';

export type AddOutcome = { status: 'added' } | { status: 'evidenceRefused'; fileNumber: number; reason: EvidenceRefusalReason };

export async function addReporterInformation(access: ReporterAccess, text: string, files: readonly Buffer[]): Promise<AddOutcome> {
  const cleaning = await cleanFiles(files);
  if (!cleaning.ok) return { status: 'evidenceRefused', fileNumber: cleaning.fileNumber, reason: cleaning.reason };
  const caseId = access.caseDocument._id;
  const attachmentIds = await storeSealedAttachments(caseId, access.dataKey, cleaning.files);
  try {
    const messageId = new Types.ObjectId();
    const at = new Date();
    await enterCaseItem(caseId, { kind: 'message', itemId: messageId, at });
    await CaseMessage.create({
      _id: messageId,
      caseId,
      from: 'reporter',
      type: 'addition',
      at,
      sealedBody: sealJson(access.dataKey, { text }, sealContext.message(caseId.toString(), messageId.toString())),
      attachmentIds,
    });
    return { status: 'added' };
  } catch (error) {
    await discardAttachments(attachmentIds).catch(() => undefined);
    await discardCaseItems(caseId, attachmentIds).catch(() => undefined);
    throw error;
  }
}

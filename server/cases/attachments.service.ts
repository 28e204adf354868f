/**
 * Evidence files on their way into a case: cleaned of metadata one at a
 * time (a large photo decodes to ~160 MB), sealed with the case's key, and
 * written before the case or message that refers to them. Every file comes
 * from a reporter, so it keeps only the day it arrived (reporter-time.ts);
 * its unclaimed mark keeps the instant, for the sweep's grace, and goes as
 * soon as the case or message is stored.
 */
import { enterCaseItem } from './case-items.service';
import type { Types } from 'mongoose';
import { cleanEvidence, type CleanedEvidence, type EvidenceRefusalReason } from './evidence/clean-evidence';
import { Attachment } from './attachment.model';
import { sealContext } from './case.model';
import { seal } from './sealing/content-box';
import { dayStampedId, reporterDayOf } from './reporter-time';
import { UnclaimedAttachment } from './unclaimed-attachment.model';

export type CleaningOutcome = { ok: true; files: CleanedEvidence[] } | { ok: false; fileNumber: number; reason: EvidenceRefusalReason };

export async function cleanFiles(files: readonly Buffer[]): Promise<CleaningOutcome> {
  const cleaned: CleanedEvidence[] = [];
  for (const [index, bytes] of files.entries()) {
    const result = await cleanEvidence(bytes);
    if (!result.ok) return { ok: false, fileNumber: index + 1, reason: result.reason };
    cleaned.push(result);
  }
  return { ok: true, files: cleaned };
}

export async function storeSealedAttachments(caseId: Types.ObjectId, dataKey: Buffer, files: readonly CleanedEvidence[]): Promise<Types.ObjectId[]> {
  const documents = files.map((file) => {
    const _id = dayStampedId();
    return {
      _id,
      caseId,
      type: file.type,
      size: file.bytes.length,
      createdAt: reporterDayOf(),
      sealedBytes: seal(dataKey, file.bytes, sealContext.attachment(caseId.toString(), _id.toString())),
    };
  });
  // One at a time: each may be ~10 MB, and a batch could exceed a message's size limit.
  for (const document of documents) {
    await UnclaimedAttachment.create({ _id: document._id, caseId, at: new Date() });
    await enterCaseItem(caseId, { kind: 'attachment', itemId: document._id, at: document.createdAt, type: document.type, size: document.size });
    await Attachment.create(document);
  }
  return documents.map((document) => document._id);
}

/** The case or message that refers to these files is stored. */
export async function claimAttachments(ids: readonly Types.ObjectId[]): Promise<void> {
  for (const _id of ids) await UnclaimedAttachment.deleteOne({ _id });
}

/** By _id, one at a time: on FerretDB `$in` reads every stored file. */
export async function discardAttachments(ids: readonly Types.ObjectId[]): Promise<void> {
  for (const _id of ids) {
    await Attachment.deleteOne({ _id });
    await UnclaimedAttachment.deleteOne({ _id });
  }
}

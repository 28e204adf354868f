/**
 * Evidence files on their way into a case: cleaned of metadata one at a
 * time (a large photo is decoded a few lines at a time, but a PDF whole),
 * sealed with the case's key, and written before the case or message that
 * refers to them.
 */
import { enterCaseItem } from './case-items.service';
import { Types } from 'mongoose';
import { cleanEvidence, type CleanedEvidence, type EvidenceRefusalReason } from './evidence/clean-evidence';
import { Attachment } from './attachment.model';
import { sealContext } from './case.model';
import { seal } from './sealing/content-box';
import { UnclaimedAttachment } from './unclaimed-attachment.model';

const emptyBuffer = Buffer.alloc(0);

export type CleaningOutcome = { ok: true; files: CleanedEvidence[] } | { ok: false; fileNumber: number; reason: EvidenceRefusalReason };

/**
 * Consumes `files`: each original's place is emptied once its cleaned copy
 * exists, so that a submission holds about one copy of its files, not two.
 */
export async function cleanFiles(files: Buffer[]): Promise<CleaningOutcome> {
  const cleaned: CleanedEvidence[] = [];
  for (const [index, bytes] of files.entries()) {
    const result = await cleanEvidence(bytes);
    files[index] = emptyBuffer;
    if (!result.ok) return { ok: false, fileNumber: index + 1, reason: result.reason };
    cleaned.push(result);
  }
  return { ok: true, files: cleaned };
}

export async function storeSealedAttachments(caseId: Types.ObjectId, dataKey: Buffer, files: readonly CleanedEvidence[]): Promise<Types.ObjectId[]> {
  const ids: Types.ObjectId[] = [];
  // One at a time, sealed just before it is written: each may be ~10 MB, and a batch could exceed a message's size limit.
  for (const file of files) {
    const _id = new Types.ObjectId();
    const createdAt = new Date();
    const sealedBytes = seal(dataKey, file.bytes, sealContext.attachment(caseId.toString(), _id.toString()));
    await UnclaimedAttachment.create({ _id, caseId, at: createdAt });
    await enterCaseItem(caseId, { kind: 'attachment', itemId: _id, at: createdAt, type: file.type, size: file.bytes.length });
    // lean: Attachment.create would copy the sealed bytes twice more (casting, then toObject) before the driver's own copy.
    await Attachment.insertMany([{ _id, caseId, type: file.type, size: file.bytes.length, createdAt, sealedBytes }], { lean: true });
    ids.push(_id);
  }
  return ids;
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

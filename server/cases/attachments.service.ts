/**
 * Evidence files on their way into a case: cleaned of metadata one at a
 * time (a large photo is decoded a few lines at a time, but a PDF whole),
 * sealed with the case's key, and written before the case or message that
 * refers to them. Every file comes from a reporter, so it keeps only the day
 * it arrived (reporter-time.ts); its unclaimed mark keeps the instant, for the
 * sweep's grace, and goes as soon as the case or message is stored.
 */
import { discardCaseItems, enterCaseItem } from './case-items.service';
import type { Types } from 'mongoose';
import { cleanEvidence, type CleanedEvidence, type EvidenceRefusalReason } from './evidence/clean-evidence';
import { Attachment } from './attachment.model';
import { sealContext } from './case.model';
import { seal } from './sealing/content-box';
import { dayStampedId, reporterDayOf } from './reporter-time';
import { UnclaimedAttachment } from './unclaimed-attachment.model';

export type CleaningOutcome = { ok: true; files: CleanedEvidence[] } | { ok: false; fileNumber: number; reason: EvidenceRefusalReason };
export type StoringOutcome = { ok: true; ids: Types.ObjectId[] } | { ok: false; fileNumber: number; reason: EvidenceRefusalReason };

export async function cleanFiles(files: readonly Buffer[]): Promise<CleaningOutcome> {
  const cleaned: CleanedEvidence[] = [];
  for (const [index, bytes] of files.entries()) {
    const result = await cleanEvidence(bytes);
    if (!result.ok) return { ok: false, fileNumber: index + 1, reason: result.reason };
    cleaned.push(result);
  }
  return { ok: true, files: cleaned };
}

/**
 * Reads, cleans, seals and writes the files one at a time, so that a
 * submission holds one file's work at a time. A file that cannot be cleaned
 * refuses them all: those already written are removed.
 */
export async function cleanAndStoreFiles(caseId: Types.ObjectId, dataKey: Buffer, files: ReadonlyArray<() => Promise<Buffer>>): Promise<StoringOutcome> {
  const ids: Types.ObjectId[] = [];
  try {
    for (const [index, read] of files.entries()) {
      const cleaned = await cleanEvidence(await read());
      if (!cleaned.ok) {
        await discardStored(caseId, ids);
        return { ok: false, fileNumber: index + 1, reason: cleaned.reason };
      }
      ids.push(await storeSealedAttachment(caseId, dataKey, cleaned));
    }
  } catch (error) {
    await discardStored(caseId, ids).catch(() => undefined);
    throw error;
  }
  return { ok: true, ids };
}

export async function storeSealedAttachments(caseId: Types.ObjectId, dataKey: Buffer, files: readonly CleanedEvidence[]): Promise<Types.ObjectId[]> {
  const ids: Types.ObjectId[] = [];
  // One at a time: each may be ~10 MB, and a batch could exceed a message's size limit.
  for (const file of files) ids.push(await storeSealedAttachment(caseId, dataKey, file));
  return ids;
}

/** Sealed just before it is written, so that only one sealed copy exists at a time. */
async function storeSealedAttachment(caseId: Types.ObjectId, dataKey: Buffer, file: CleanedEvidence): Promise<Types.ObjectId> {
  const _id = dayStampedId();
  const createdAt = reporterDayOf();
  const sealedBytes = seal(dataKey, file.bytes, sealContext.attachment(caseId.toString(), _id.toString()));
  await UnclaimedAttachment.create({ _id, caseId, at: new Date() });
  await enterCaseItem(caseId, { kind: 'attachment', itemId: _id, at: createdAt, type: file.type, size: file.bytes.length });
  // lean: Attachment.create would copy the sealed bytes twice more (casting, then toObject) before the driver's own copy.
  await Attachment.insertMany([{ _id, caseId, type: file.type, size: file.bytes.length, createdAt, sealedBytes }], { lean: true });
  return _id;
}

async function discardStored(caseId: Types.ObjectId, ids: readonly Types.ObjectId[]): Promise<void> {
  await discardAttachments(ids);
  await discardCaseItems(caseId, ids);
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

/**
 * A unit's evidence files: each read, cleaned (cases/evidence: metadata
 * stripped, anything not cleanable refused) and sealed one at a time, under
 * a data key of its own sealed to the commission's key. A file that cannot
 * be cleaned refuses the answer: the files already stored are removed.
 */
import { randomUUID } from 'node:crypto';
import { cleanEvidence, type EvidenceRefusalReason } from '../cases/evidence/clean-evidence';
import { newDataKey, open, seal } from '../cases/sealing/content-box';
import { commissionKeyIdOfPrivateKey, openFromCommission, sealToCommission, type SealedForCommission } from '../cases/sealing/commission-key';
import { storedBytes } from '../cases/stored-bytes';
import { fileSealContext, RectificationFile } from './rectification-item.model';

export type FilesOutcome = { ok: true; ids: string[] } | { ok: false; fileNumber: number; reason: EvidenceRefusalReason };

export async function cleanAndStoreFiles(itemId: string, today: string, files: ReadonlyArray<() => Promise<Buffer>>, commissionPublicKey: string): Promise<FilesOutcome> {
  const ids: string[] = [];
  try {
    for (const [index, read] of files.entries()) {
      const cleaned = await cleanEvidence(await read());
      if (!cleaned.ok) {
        await removeFiles(ids);
        return { ok: false, fileNumber: index + 1, reason: cleaned.reason };
      }
      const id = randomUUID();
      const dataKey = newDataKey();
      await RectificationFile.create({
        _id: id, itemId, type: cleaned.type, mimeType: cleaned.mimeType, extension: cleaned.extension, size: cleaned.bytes.length, date: today,
        sealedKey: sealToCommission(commissionPublicKey, dataKey), sealedBytes: seal(dataKey, cleaned.bytes, fileSealContext(itemId, id)),
      });
      dataKey.fill(0);
      ids.push(id);
    }
  } catch (error) {
    await removeFiles(ids).catch(() => undefined);
    throw error;
  }
  return { ok: true, ids };
}

async function removeFiles(ids: readonly string[]): Promise<void> {
  for (const id of ids) await RectificationFile.deleteOne({ _id: id });
}

export interface FileSummary {
  id: string;
  type: string;
  size: number;
  date: string;
}

export async function fileSummaries(ids: readonly string[]): Promise<FileSummary[]> {
  const files = await Promise.all(ids.map((id) => RectificationFile.findById(id, { type: 1, size: 1, date: 1 }).lean()));
  return files.flatMap((file) => (file ? [{ id: file._id, type: file.type, size: file.size, date: file.date }] : []));
}

/** The cleaned bytes, for a key holder whose session unlocked the key; null when the file is not this item's. */
export async function openFile(itemId: string, fileId: string, privateKeyPem: string): Promise<{ bytes: Buffer; mimeType: string; extension: string } | null> {
  const file = await RectificationFile.findById(fileId).lean();
  if (!file || file.itemId !== itemId) return null;
  const dataKey = openFromCommission(privateKeyPem, file.sealedKey as SealedForCommission);
  try {
    return { bytes: open(dataKey, storedBytes(file.sealedBytes), fileSealContext(itemId, fileId)), mimeType: file.mimeType, extension: file.extension };
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Key rotation (key-rotation/): each file's data key sealed again from the
 * old commission key to the new one; the files themselves are not opened.
 * Reads every file's key: a command run once a year. Files already moved are
 * skipped, so it can run again.
 */
export async function resealFileKeys(oldPrivateKeyPem: string, newPublicKeyPem: string): Promise<number> {
  const oldKeyId = commissionKeyIdOfPrivateKey(oldPrivateKeyPem);
  let resealed = 0;
  for (const file of await RectificationFile.find({}, { _id: 1, sealedKey: 1 }).lean()) {
    const sealed = file.sealedKey as SealedForCommission | undefined;
    if (sealed?.keyId !== oldKeyId) continue;
    const dataKey = openFromCommission(oldPrivateKeyPem, sealed);
    try {
      await RectificationFile.updateOne({ _id: file._id }, { $set: { sealedKey: sealToCommission(newPublicKeyPem, dataKey) } });
    } finally {
      dataKey.fill(0);
    }
    resealed += 1;
  }
  return resealed;
}

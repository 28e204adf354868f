/**
 * Before a case is purged it is written to one file under DATA_DIR/archive,
 * sealed to the commission key: the case's documents exactly as stored
 * (their boxes still sealed under the case's own key), as Extended JSON,
 * in one AES-256-GCM box whose key is sealed to the commission's public key.
 * The server can write an archive and never read one; `npm run archive:open`
 * opens it with the commission's private key.
 *
 * Written to a temporary name, flushed and renamed, so an archive file is
 * always whole; an existing archive is never overwritten (a purge resumed
 * after its first parts were removed must keep the archive of the whole case).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import mongoose, { type Types } from 'mongoose';
import { Attachment } from '../cases/attachment.model';
import { CaseEvent } from '../cases/case-event.model';
import { entriesOf } from '../cases/case-items.service';
import { CaseMessage } from '../cases/case-message.model';
import { Case } from '../cases/case.model';
import { openFromCommission, sealToCommission, type SealedForCommission } from '../cases/sealing/commission-key';
import { newDataKey, open, seal } from '../cases/sealing/content-box';

const format = 'qingfeng-case-archive/1';
const archiveContext = (caseId: string) => `archive:${caseId}`;

export interface ArchivedCase {
  case: Record<string, unknown>;
  events: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  attachments: Record<string, unknown>[];
  entries: Record<string, unknown>[];
}

export function archivePath(archiveDir: string, reference: string): string {
  return path.join(archiveDir, `${reference}.qfarchive`);
}

/** Every document of the case, read by _id (its entries, then each item). */
export async function collectCase(caseId: Types.ObjectId): Promise<ArchivedCase | null> {
  const caseDocument = await Case.collection.findOne({ _id: caseId });
  if (!caseDocument) return null;
  const entries = await entriesOf(caseId);
  const ids = (kind: string) => entries.filter((entry) => entry.kind === kind).map((entry) => entry.itemId);
  const fileIds = [...ids('attachment'), ...((caseDocument.attachmentIds as Types.ObjectId[] | undefined) ?? [])];
  const byIds = async (collection: mongoose.Collection, list: Types.ObjectId[]) =>
    (await Promise.all([...new Map(list.map((id) => [String(id), id])).values()].map((id) => collection.findOne({ _id: id })))).filter((doc) => doc !== null);
  return {
    case: caseDocument,
    events: await byIds(CaseEvent.collection, ids('event')),
    messages: await byIds(CaseMessage.collection, ids('message')),
    attachments: await byIds(Attachment.collection, fileIds),
    entries: entries as unknown as Record<string, unknown>[],
  };
}

/**
 * A rotation of the commission key (key-rotation/) re-seals each archive's
 * data key from the old key to the new one, as it does for cases: the box
 * is left as it is, nothing of the case is decrypted. Archives are the only
 * copy of purged cases, so without this, retiring the old key would lose them.
 * Returns how many were re-sealed; one already on the new key is skipped.
 */
export function resealArchives(archiveDir: string, oldPrivateKeyPem: string, newPublicKeyPem: string, fromKeyId: string): number {
  let resealed = 0;
  for (const file of archiveFiles(archiveDir)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { sealedForCommission: SealedForCommission };
    if (parsed.sealedForCommission.keyId !== fromKeyId) continue;
    const dataKey = openFromCommission(oldPrivateKeyPem, parsed.sealedForCommission);
    parsed.sealedForCommission = sealToCommission(newPublicKeyPem, dataKey);
    dataKey.fill(0);
    writeAtomically(file, JSON.stringify(parsed));
    resealed += 1;
  }
  return resealed;
}

/** How many archives are still sealed to this key (a key is not retired while any is). */
export function archivesSealedTo(archiveDir: string, keyId: string): number {
  return archiveFiles(archiveDir).filter((file) => (JSON.parse(readFileSync(file, 'utf8')) as { sealedForCommission?: SealedForCommission }).sealedForCommission?.keyId === keyId).length;
}

function archiveFiles(archiveDir: string): string[] {
  if (!existsSync(archiveDir)) return [];
  return readdirSync(archiveDir).filter((name) => name.endsWith('.qfarchive')).map((name) => path.join(archiveDir, name));
}

/** Writes the archive unless it is there already; returns its path. */
export function writeArchive(archiveDir: string, reference: string, caseId: string, archived: ArchivedCase, commissionPublicKeyPem: string): string {
  const target = archivePath(archiveDir, reference);
  if (existsSync(target)) return target;
  mkdirSync(archiveDir, { recursive: true, mode: 0o700 });
  const dataKey = newDataKey();
  const plain = Buffer.from(mongoose.mongo.BSON.EJSON.stringify(archived, { relaxed: false }));
  const box = seal(dataKey, plain, archiveContext(caseId));
  const file = { format, caseId, reference, sealedForCommission: sealToCommission(commissionPublicKeyPem, dataKey), box: box.toString('base64') };
  dataKey.fill(0);
  writeAtomically(target, JSON.stringify(file));
  return target;
}

function writeAtomically(target: string, text: string): void {
  const temporary = `${target}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, target);
}

export class ArchiveFormatError extends Error {
  override name = 'ArchiveFormatError';
}

/** Opens an archive file with the commission's private key (throws SealBrokenError on a wrong key or an altered file). */
export function openArchive(file: string, privateKeyPem: string): { reference: string; archived: ArchivedCase } {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { format?: string; caseId: string; reference: string; sealedForCommission: SealedForCommission; box: string };
  if (parsed.format !== format) throw new ArchiveFormatError(`${file} is not a Qingfeng case archive`);
  const dataKey = openFromCommission(privateKeyPem, parsed.sealedForCommission);
  const plain = open(dataKey, Buffer.from(parsed.box, 'base64'), archiveContext(parsed.caseId));
  dataKey.fill(0);
  return { reference: parsed.reference, archived: mongoose.mongo.BSON.EJSON.parse(plain.toString('utf8'), { relaxed: false }) as ArchivedCase };
}

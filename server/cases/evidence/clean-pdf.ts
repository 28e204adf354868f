/**
 * Rewrites a PDF without its document information dictionary (title, author,
 * creator, producer, dates), its XMP packets, its application private data,
 * its file identifiers, its digital signatures, its actions and scripts, its
 * annotations' metadata and every catalog entry the pages do not need. The output is a complete new file, not an
 * incremental update: the bytes of the original never reach the commission.
 */
import { PDFContext, PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { carriesMetadata, scrubReachableObjects } from './pdf-object-scrub';

export type PdfRefusalReason = 'pdf-encrypted' | 'pdf-unreadable' | 'pdf-not-cleanable';

export type PdfCleaningResult = { ok: true; bytes: Buffer } | { ok: false; reason: PdfRefusalReason };

/**
 * updateMetadata false: pdf-lib would otherwise write its own Producer and
 * ModDate. ignoreEncryption true: we decide about encryption ourselves,
 * because pdf-lib only notices an /Encrypt entry whose object it could parse.
 */
const LOAD_OPTIONS = { updateMetadata: false, ignoreEncryption: true } as const;

export async function cleanPdf(bytes: Buffer): Promise<PdfCleaningResult> {
  const document = await loadPdf(bytes, false);
  if (!document) return { ok: false, reason: 'pdf-unreadable' };
  if (isEncrypted(document.context)) return { ok: false, reason: 'pdf-encrypted' };
  const pageCount = countPages(document);
  if (pageCount === 0) return { ok: false, reason: 'pdf-unreadable' };

  document.context.trailerInfo.Info = undefined;
  // /ID is derived from the original file (often its path and time) and would tie the two copies together.
  document.context.trailerInfo.ID = undefined;
  if (!scrubReachableObjects(document.context)) return { ok: false, reason: 'pdf-not-cleanable' };

  const cleaned = await saveCompletely(document);
  if (!cleaned || !(await isVerifiedClean(cleaned, pageCount))) {
    return { ok: false, reason: 'pdf-not-cleanable' };
  }
  return { ok: true, bytes: cleaned };
}

/**
 * Objects pdf-lib cannot parse are tolerated on the first load, so that
 * broken leftovers nothing refers to can simply be dropped; the scrub refuses
 * the file if one of them is still in use. Our own output must parse cleanly.
 */
async function loadPdf(bytes: Uint8Array, strict: boolean): Promise<PDFDocument | null> {
  try {
    return await PDFDocument.load(bytes, { ...LOAD_OPTIONS, throwOnInvalidObject: strict });
  } catch {
    return null;
  }
}

/**
 * An /Encrypt entry counts even when its object is missing or broken, and an
 * encryption dictionary counts even when the trailer that named it was lost.
 */
function isEncrypted(context: PDFContext): boolean {
  if (context.trailerInfo.Encrypt !== undefined) return true;
  return context.enumerateIndirectObjects().some(([, object]) => looksLikeEncryptionDictionary(object));
}

function looksLikeEncryptionDictionary(object: unknown): boolean {
  if (!(object instanceof PDFDict)) return false;
  const has = (key: string) => object.has(PDFName.of(key));
  return has('Filter') && has('V') && (has('O') || has('Recipients'));
}

function countPages(document: PDFDocument): number {
  try {
    return document.getPageCount();
  } catch {
    return 0;
  }
}

/**
 * No object streams, so every dictionary is plain text a reviewer can read;
 * no default page and no form appearance update, so nothing is added.
 */
async function saveCompletely(document: PDFDocument): Promise<Buffer | null> {
  try {
    const bytes = await document.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
    return Buffer.from(bytes);
  } catch {
    return null;
  }
}

async function isVerifiedClean(bytes: Buffer, expectedPageCount: number): Promise<boolean> {
  const reloaded = await loadPdf(bytes, true);
  if (!reloaded) return false;
  const { Info, Encrypt, ID } = reloaded.context.trailerInfo;
  if (Info !== undefined || Encrypt !== undefined || ID !== undefined) return false;
  if (countPages(reloaded) !== expectedPageCount) return false;
  return !carriesMetadata(reloaded.context);
}

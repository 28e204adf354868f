/**
 * Evidence attached to an anonymous report: decide what the file really is,
 * then rebuild it without anything that could identify the reporter (GPS,
 * camera serial numbers, authors, editing software). Files we cannot clean
 * with confidence are refused, never stored as they came. Refusal reasons are
 * codes; the routes turn them into messages from the locale files. Call once
 * per file and one file at a time: a decoded photo can take 160 MB.
 */
import { cleanImage } from './clean-image';
import { cleanPdf } from './clean-pdf';
import { detectEvidenceType, type EvidenceType } from './file-type';

export type EvidenceRefusalReason =
  | 'unsupported-type'
  | 'image-too-large'
  | 'image-unreadable'
  | 'pdf-encrypted'
  | 'pdf-unreadable'
  | 'pdf-not-cleanable';

export interface CleanedEvidence {
  ok: true;
  type: EvidenceType;
  mimeType: string;
  /** Without the dot, for the name we give the stored file. */
  extension: string;
  bytes: Buffer;
}

export interface RefusedEvidence {
  ok: false;
  reason: EvidenceRefusalReason;
}

const FORMATS: Record<EvidenceType, { mimeType: string; extension: string }> = {
  jpeg: { mimeType: 'image/jpeg', extension: 'jpg' },
  png: { mimeType: 'image/png', extension: 'png' },
  webp: { mimeType: 'image/webp', extension: 'webp' },
  pdf: { mimeType: 'application/pdf', extension: 'pdf' },
};

export async function cleanEvidence(bytes: Buffer): Promise<CleanedEvidence | RefusedEvidence> {
  const type = detectEvidenceType(bytes);
  if (type === null) return { ok: false, reason: 'unsupported-type' };

  const cleaned = type === 'pdf' ? await cleanPdf(bytes) : await cleanImage(bytes, type);
  if (!cleaned.ok) return { ok: false, reason: cleaned.reason };

  return { ok: true, type, ...FORMATS[type], bytes: cleaned.bytes };
}

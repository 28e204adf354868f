/**
 * Decides what an uploaded file is from its first bytes. The name and the
 * browser's Content-Type are chosen by the sender, so neither is consulted.
 */

export type EvidenceType = 'jpeg' | 'png' | 'webp' | 'pdf';

const JPEG_SOI = [0xff, 0xd8, 0xff];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];
const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

function startsWithAt(bytes: Buffer, expected: number[], offset = 0): boolean {
  if (bytes.length < offset + expected.length) return false;
  return expected.every((value, index) => bytes[offset + index] === value);
}

/**
 * Readers accept a PDF header anywhere in the first kilobyte, but we demand it
 * at offset 0: anything in front of it could be a second file (a polyglot).
 */
export function detectEvidenceType(bytes: Buffer): EvidenceType | null {
  if (startsWithAt(bytes, JPEG_SOI)) return 'jpeg';
  if (startsWithAt(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWithAt(bytes, RIFF) && startsWithAt(bytes, WEBP, 8)) return 'webp';
  if (startsWithAt(bytes, PDF_HEADER)) return 'pdf';
  return null;
}

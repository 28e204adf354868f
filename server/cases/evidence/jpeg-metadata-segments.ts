/**
 * Removes metadata segments from a JPEG without touching its compressed
 * pixels. Used for photos embedded inside PDFs: many PDF producers copy the
 * camera's JPEG verbatim, EXIF with GPS and serial number included, and
 * re-encoding every image inside a PDF would be slow and lossy.
 */

const MARKER_PREFIX = 0xff;
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;
const APP0 = 0xe0;
const APP14 = 0xee;
const TEM = 0x01;

/**
 * Returns the JPEG with every APPn segment (EXIF, XMP, ICC, IPTC, JFIF
 * thumbnails, MPF…) and every comment removed, and nothing kept after EOI
 * (motion-photo videos and MPF secondary images live there). APP14 "Adobe"
 * stays because decoders need it to pick the colour transform. Returns null
 * when the bytes are not a JPEG marker stream we can walk with confidence.
 */
export function stripJpegMetadataSegments(jpeg: Uint8Array): Uint8Array | null {
  if (jpeg[0] !== MARKER_PREFIX || jpeg[1] !== SOI) return null;
  const kept: Uint8Array[] = [jpeg.subarray(0, 2)];
  let position = 2;
  while (position < jpeg.length) {
    if (jpeg[position] !== MARKER_PREFIX) return null;
    while (jpeg[position + 1] === MARKER_PREFIX) position += 1; // fill bytes
    const marker = jpeg[position + 1];
    if (marker === undefined) return null;
    if (marker === EOI) {
      kept.push(jpeg.subarray(position, position + 2));
      return concatenate(kept);
    }
    const end = segmentEnd(jpeg, position, marker);
    if (end === null) return null;
    if (!isMetadataSegment(jpeg, position, marker)) kept.push(jpeg.subarray(position, end));
    position = end;
  }
  // Entropy-coded data ran to the end without EOI: nothing can hide after it.
  return position === jpeg.length ? concatenate(kept) : null;
}

function segmentEnd(jpeg: Uint8Array, position: number, marker: number): number | null {
  if (isStandalone(marker)) return position + 2;
  if (position + 4 > jpeg.length) return null;
  const length = (jpeg[position + 2] << 8) | jpeg[position + 3];
  const end = position + 2 + length;
  if (length < 2 || end > jpeg.length) return null;
  return marker === SOS ? endOfEntropyCodedData(jpeg, end) : end;
}

/**
 * Inside scan data a 0xFF byte is followed by 0x00 (stuffing) or a restart
 * marker; anything else is the next real marker, which may well be another
 * APPn or COM between the scans of a progressive JPEG.
 */
function endOfEntropyCodedData(jpeg: Uint8Array, from: number): number {
  for (let index = from; index < jpeg.length - 1; index += 1) {
    if (jpeg[index] !== MARKER_PREFIX) continue;
    const next = jpeg[index + 1];
    if (next === 0x00 || isRestart(next) || next === MARKER_PREFIX) continue;
    return index;
  }
  return jpeg.length;
}

function isMetadataSegment(jpeg: Uint8Array, position: number, marker: number): boolean {
  if (marker === COM) return true;
  if (marker < APP0 || marker > 0xef) return false;
  return !(marker === APP14 && startsWithAscii(jpeg, position + 4, 'Adobe'));
}

function isStandalone(marker: number): boolean {
  return marker === TEM || isRestart(marker) || marker === SOI;
}

function isRestart(marker: number): boolean {
  return marker >= 0xd0 && marker <= 0xd7;
}

function startsWithAscii(bytes: Uint8Array, offset: number, text: string): boolean {
  return [...text].every((character, index) => bytes[offset + index] === character.charCodeAt(0));
}

function concatenate(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Re-encodes a photo so that only its pixels survive. EXIF (GPS, camera serial
 * numbers, the embedded thumbnail), XMP, IPTC, comments, ICC profiles and
 * anything appended after the image data would let the commission's opponents
 * find the reporter; decoding to pixels and encoding afresh drops them all,
 * and replaces the camera's quantisation tables too.
 */
import os from 'node:os';
import sharp, { type Sharp } from 'sharp';

export type ImageType = 'jpeg' | 'png' | 'webp';

export type ImageCleaningResult =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: 'image-too-large' | 'image-unreadable' };

/** 40 megapixels covers today's phone cameras; RGBA at that size is 160 MB of pixels. */
export const MAX_INPUT_PIXELS = 40_000_000;

const JPEG_QUALITY = 85;
const WEBP_QUALITY = 85;

/**
 * Process-wide sharp settings for a server that cleans evidence. Call once
 * from main.ts (never on import). The operation cache would keep decoded
 * evidence in memory after the request that brought it has finished, and
 * more than two threads per image lets a burst of uploads take every core.
 * sharp itself lowers concurrency to 1 on glibc without jemalloc to avoid
 * memory fragmentation; that choice is kept, never raised.
 */
export function configureImageCleaning(): void {
  sharp.cache(false);
  sharp.concurrency(Math.max(1, Math.min(sharp.concurrency(), 2, os.availableParallelism())));
}

export async function cleanImage(bytes: Buffer, type: ImageType): Promise<ImageCleaningResult> {
  const header = await readHeader(bytes);
  if (!header || header.format !== type) return { ok: false, reason: 'image-unreadable' };
  if (header.width * header.height > MAX_INPUT_PIXELS) return { ok: false, reason: 'image-too-large' };
  try {
    return { ok: true, bytes: await reencode(bytes, type) };
  } catch {
    return { ok: false, reason: 'image-unreadable' };
  }
}

/**
 * Reads only the header, so a decompression bomb is measured before a single
 * pixel is allocated. The pixel limit is off here because sharp would refuse
 * with an error we could not tell apart from a corrupt file; the decode below
 * enforces it again.
 */
async function readHeader(bytes: Buffer): Promise<{ format: string; width: number; height: number } | null> {
  try {
    const { format, width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!width || !height) return null;
    return { format, width, height };
  } catch {
    return null;
  }
}

/**
 * sharp writes no metadata unless asked to (keepMetadata, withMetadata,
 * withExif, keepIccProfile…), so none of those may ever appear here.
 * failOn 'error' refuses truncated and corrupt data but tolerates the
 * harmless warnings some cameras trigger. Only the first frame of an animated
 * WebP is kept: evidence is a still image.
 */
async function reencode(bytes: Buffer, type: ImageType): Promise<Buffer> {
  const decoded = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, pages: 1 }).rotate();
  return encoderFor(type)(decoded).toBuffer();
}

function encoderFor(type: ImageType): (image: Sharp) => Sharp {
  switch (type) {
    case 'jpeg':
      // Optimised Huffman tables need a second pass over the whole image held in memory
      // (about 6 bytes a pixel: 230 MB at 40 MP); the standard tables stream in a few MB.
      return (image) => image.jpeg({ quality: JPEG_QUALITY, optimiseCoding: false });
    case 'png':
      return (image) => image.png();
    case 'webp':
      return (image) => image.webp({ quality: WEBP_QUALITY });
  }
}

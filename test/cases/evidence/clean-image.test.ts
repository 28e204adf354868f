import sharp from 'sharp';
import { cleanEvidence, type CleanedEvidence } from '../../../server/cases/evidence/clean-evidence';
import {
  LATITUDE,
  LONGITUDE,
  PLANTED,
  containsText,
  jpegWithEverything,
  pngWithTextChunks,
  rationalBytes,
  webpWithExifAndXmp,
} from './evidence-fixtures';

async function cleaned(bytes: Buffer): Promise<CleanedEvidence> {
  const result = await cleanEvidence(bytes);
  if (!result.ok) throw new Error(`expected the file to be cleaned, was refused: ${result.reason}`);
  return result;
}

function expectNoMetadata(metadata: sharp.Metadata): void {
  expect(metadata.exif).toBeUndefined();
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.iptc).toBeUndefined();
  expect(metadata.icc).toBeUndefined();
  expect(metadata.orientation).toBeUndefined();
  expect(metadata.comments ?? []).toEqual([]);
}

describe('cleaning a phone photo (JPEG)', () => {
  let original: Buffer;
  let result: CleanedEvidence;

  beforeAll(async () => {
    original = await jpegWithEverything();
    result = await cleaned(original);
  });

  it('when the fixture is built, then it really carries every planted marker (so the checks below can fail)', async () => {
    const metadata = await sharp(original).metadata();
    expect(metadata.exif).toBeDefined();
    expect(metadata.xmp).toBeDefined();
    expect(metadata.iptc).toBeDefined();
    expect(metadata.icc).toBeDefined();
    expect(metadata.orientation).toBe(6);
    for (const marker of [PLANTED.serial, PLANTED.make, PLANTED.owner, PLANTED.gpsDatum, PLANTED.xmp, PLANTED.iptc, PLANTED.comment]) {
      expect(containsText(original, marker)).toBe(true);
    }
    expect(original.includes(rationalBytes(LATITUDE))).toBe(true);
  });

  it('when a JPEG with EXIF, GPS, XMP, IPTC, ICC and a comment is cleaned, then sharp finds no metadata in it', async () => {
    expect(result).toMatchObject({ type: 'jpeg', mimeType: 'image/jpeg', extension: 'jpg' });
    expectNoMetadata(await sharp(result.bytes).metadata());
  });

  it('when a JPEG is cleaned, then none of the planted texts or GPS coordinates survive in its bytes', () => {
    for (const marker of [PLANTED.serial, PLANTED.make, PLANTED.model, PLANTED.owner, PLANTED.gpsDatum, PLANTED.xmp, PLANTED.iptc, PLANTED.comment]) {
      expect(containsText(result.bytes, marker)).toBe(false);
    }
    for (const marker of ['GPS', 'Exif', 'http://ns.adobe.com/xap', 'Photoshop 3.0', '8BIM', 'ICC_PROFILE']) {
      expect(containsText(result.bytes, marker)).toBe(false);
    }
    expect(result.bytes.includes(rationalBytes(LATITUDE))).toBe(false);
    expect(result.bytes.includes(rationalBytes(LONGITUDE))).toBe(false);
  });

  it('when a JPEG taken with orientation 6 is cleaned, then it decodes upright with width and height swapped', async () => {
    const metadata = await sharp(result.bytes).metadata();
    expect(metadata.format).toBe('jpeg');
    expect([metadata.width, metadata.height]).toEqual([48, 64]);
    const { info } = await sharp(result.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([48, 64]);
  });
});

describe('cleaning PNG and WebP images', () => {
  it('when a PNG carries tEXt and iTXt chunks, then the cleaned PNG has no text chunks and keeps its size', async () => {
    const original = await pngWithTextChunks();
    const keywords = ((await sharp(original).metadata()).comments ?? []).map((comment) => comment.keyword);
    expect(keywords).toEqual(expect.arrayContaining(['Author', 'Description']));

    const result = await cleaned(original);
    expect(result).toMatchObject({ type: 'png', mimeType: 'image/png', extension: 'png' });
    const metadata = await sharp(result.bytes).metadata();
    expectNoMetadata(metadata);
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['png', 40, 30]);
    for (const marker of [PLANTED.pngAuthor, PLANTED.pngText, 'tEXt', 'iTXt', 'zTXt', 'eXIf']) {
      expect(containsText(result.bytes, marker)).toBe(false);
    }
  });

  it('when a WebP carries EXIF and XMP, then the cleaned WebP has neither and keeps its size', async () => {
    const original = await webpWithExifAndXmp();
    const before = await sharp(original).metadata();
    expect(before.exif).toBeDefined();
    expect(before.xmp).toBeDefined();
    expect(containsText(original, PLANTED.make)).toBe(true);

    const result = await cleaned(original);
    expect(result).toMatchObject({ type: 'webp', mimeType: 'image/webp', extension: 'webp' });
    const metadata = await sharp(result.bytes).metadata();
    expectNoMetadata(metadata);
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['webp', 50, 20]);
    for (const marker of [PLANTED.make, PLANTED.model, PLANTED.xmp, 'EXIF', 'XMP ']) {
      expect(containsText(result.bytes, marker)).toBe(false);
    }
  });
});

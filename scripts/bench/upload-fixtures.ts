/**
 * The largest evidence a report may carry, as people really send it: phone
 * photos of almost 40 megapixels saved as JPEG, a large PNG, and a scanned
 * PDF (pages that are photos), each just under the 10 MB limit.
 */
import { randomBytes } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';

export interface EvidenceFile {
  bytes: Buffer;
  name: string;
  type: string;
}

const maxBytes = 10 * 1024 * 1024;

/** A scene of soft colour patches with sensor grain: compresses like a photo, not like noise. */
async function scene(width: number, height: number, grain: number): Promise<Buffer> {
  const pixels = await sharp(randomBytes(64 * 48 * 3), { raw: { width: 64, height: 48, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' }).raw().toBuffer();
  const noise = randomBytes(pixels.length);
  for (let index = 0; index < pixels.length; index += 1) {
    pixels[index] = Math.max(0, Math.min(255, pixels[index] + (noise[index] % grain) - (grain >> 1)));
  }
  return pixels;
}

// 7200×5400 (38.9 MP, under the 40 MP limit) at quality 90 comes out at about 9.3 MB.
export async function largeJpeg(): Promise<EvidenceFile> {
  const [width, height] = [7200, 5400];
  const bytes = await sharp(await scene(width, height, 25), { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  return checked({ bytes, name: 'IMG_0001.jpg', type: 'image/jpeg' });
}

// 6000×4500 flat colour areas with scattered noisy pixels: about 9 MB, 81 MB once decoded.
export async function largePng(): Promise<EvidenceFile> {
  const [width, height] = [6000, 4500];
  const pixels = await scene(width, height, 1);
  const noise = randomBytes(pixels.length);
  for (let index = 0; index < pixels.length; index += 1) pixels[index] = index % 50 === 0 ? noise[index] : pixels[index] & 0xf0;
  const bytes = await sharp(pixels, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 9 }).toBuffer();
  return checked({ bytes, name: 'screenshot.png', type: 'image/png' });
}

// A scan: 12 pages, each an A4 photo of about 0.75 MB.
export async function largePdf(): Promise<EvidenceFile> {
  const document = await PDFDocument.create();
  for (let page = 0; page < 12; page += 1) {
    const [width, height] = [2480, 3508];
    const jpeg = await sharp(await scene(width, height, 9), { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
    const image = await document.embedJpg(jpeg);
    document.addPage([595, 842]).drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
  }
  return checked({ bytes: Buffer.from(await document.save()), name: 'scan.pdf', type: 'application/pdf' });
}

function checked(file: EvidenceFile): EvidenceFile {
  if (file.bytes.length > maxBytes) throw new Error(`${file.name} is ${file.bytes.length} bytes, over the limit`);
  return file;
}

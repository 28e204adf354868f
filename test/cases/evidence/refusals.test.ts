import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import sharp from 'sharp';
import { cleanEvidence, type EvidenceRefusalReason } from '../../../server/cases/evidence/clean-evidence';
import { PNG_SIGNATURE, handBuiltPdf, ihdr, pngChunk } from './evidence-fixtures';

async function expectRefused(bytes: Buffer, reason: EvidenceRefusalReason): Promise<void> {
  await expect(cleanEvidence(bytes)).resolves.toEqual({ ok: false, reason });
}

const CATALOG = '<< /Type /Catalog /Pages 2 0 R >>';
const ONE_PAGE = '<< /Type /Pages /Kids [3 0 R] /Count 1 >>';
const PAGE = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>';
const CONTENT = '<< /Length 0 >>\nstream\n\nendstream';
const STANDARD_ENCRYPTION = `<< /Filter /Standard /V 1 /R 2 /O <${'7a'.repeat(32)}> /U <${'3c'.repeat(32)}> /P -44 >>`;

function noisyJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .jpeg()
    .toBuffer();
}

/** Rewrites the dimensions in the baseline SOF0 header that sharp writes. */
function withClaimedJpegSize(jpeg: Buffer, width: number, height: number): Buffer {
  const patched = Buffer.from(jpeg);
  const sof = patched.indexOf(Buffer.from([0xff, 0xc0]));
  patched.writeUInt16BE(height, sof + 5);
  patched.writeUInt16BE(width, sof + 7);
  return patched;
}

describe('refusing files that are not evidence we accept', () => {
  it.each([
    ['an ELF executable named photo.jpg', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(512)])],
    ['a Windows executable named photo.jpg', Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), randomBytes(512)])],
    ['an HTML page', Buffer.from('<!DOCTYPE html><html><body><script>document.cookie</script></body></html>')],
    ['an SVG image (sharp could render it, we do not)', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    ['random bytes', Buffer.concat([Buffer.from([0x00]), randomBytes(4096)])],
    ['an empty file', Buffer.alloc(0)],
  ])('when %s is uploaded, then it is refused as an unsupported type', async (_label, bytes) => {
    await expectRefused(bytes, 'unsupported-type');
  });
});

describe('refusing images that cannot be decoded safely', () => {
  it('when a JPEG is cut off in the middle of its image data, then it is refused as unreadable', async () => {
    const jpeg = await noisyJpeg();
    await expectRefused(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'image-unreadable');
  });

  it('when a file starts like a JPEG and continues with garbage, then it is refused as unreadable', async () => {
    await expectRefused(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2048)]), 'image-unreadable');
  });

  it('when a PNG has a valid header but corrupt image data, then it is refused as unreadable', async () => {
    const png = Buffer.concat([PNG_SIGNATURE, ihdr(40, 30), pngChunk('IDAT', randomBytes(600)), pngChunk('IEND', Buffer.alloc(0))]);
    await expectRefused(png, 'image-unreadable');
  });

  it('when a PNG header claims 30000×30000 pixels, then it is refused as too large, quickly and without allocating the pixels', async () => {
    const bomb = Buffer.concat([PNG_SIGNATURE, ihdr(30000, 30000), pngChunk('IDAT', deflateSync(Buffer.alloc(4096))), pngChunk('IEND', Buffer.alloc(0))]);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    await expectRefused(bomb, 'image-too-large');
    expect(performance.now() - started).toBeLessThan(1000);
    // 30000 × 30000 × 3 bytes would be 2.7 GB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it('when a JPEG header claims 60000×60000 pixels, then it is refused as too large', async () => {
    await expectRefused(withClaimedJpegSize(await noisyJpeg(), 60000, 60000), 'image-too-large');
  });
});

describe('refusing PDFs that cannot be cleaned reliably', () => {
  it('when the trailer names a standard encryption dictionary, then it is refused as encrypted', async () => {
    const pdf = handBuiltPdf([CATALOG, ONE_PAGE, PAGE, CONTENT, STANDARD_ENCRYPTION], `/Root 1 0 R /Encrypt 5 0 R /ID [<${'ab'.repeat(16)}> <${'ab'.repeat(16)}>]`);
    await expectRefused(pdf, 'pdf-encrypted');
  });

  it('when the trailer names an /Encrypt object that does not exist, then it is still refused as encrypted', async () => {
    await expectRefused(handBuiltPdf([CATALOG, ONE_PAGE, PAGE, CONTENT], '/Root 1 0 R /Encrypt 9 0 R'), 'pdf-encrypted');
  });

  it('when an encryption dictionary is present but the trailer lost its /Encrypt entry, then it is refused as encrypted', async () => {
    await expectRefused(handBuiltPdf([CATALOG, ONE_PAGE, PAGE, CONTENT, STANDARD_ENCRYPTION], '/Root 1 0 R'), 'pdf-encrypted');
  });

  it.each([
    ['garbage right after %PDF-', Buffer.concat([Buffer.from('%PDF-'), randomBytes(2048)])],
    ['a version line followed by garbage', Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2048)])],
    ['a header and nothing else', Buffer.from('%PDF-1.4\n%%EOF\n')],
  ])('when a PDF is %s, then it is refused as unreadable', async (_label, bytes) => {
    await expectRefused(bytes, 'pdf-unreadable');
  });

  it('when a well-formed PDF has no pages, then it is refused as unreadable', async () => {
    await expectRefused(handBuiltPdf([CATALOG, '<< /Type /Pages /Kids [] /Count 0 >>'], '/Root 1 0 R'), 'pdf-unreadable');
  });

  it('when a page uses an object pdf-lib cannot parse, then it is refused as not cleanable rather than copied blindly', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // pdf-lib reports the broken object
    const broken = '<< /Author (Planted Broken Author) /Oops ] >>';
    await expectRefused(handBuiltPdf([CATALOG, ONE_PAGE, PAGE, broken], '/Root 1 0 R'), 'pdf-not-cleanable');
    warn.mockRestore();
  });

  it('when an object nothing uses cannot be parsed, then it is dropped and the PDF is cleaned', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const leftover = '<< /Author (Planted Leftover Author) /Oops ] >>';
    const result = await cleanEvidence(handBuiltPdf([CATALOG, ONE_PAGE, PAGE, CONTENT, leftover], '/Root 1 0 R'));
    warn.mockRestore();
    if (!result.ok) throw new Error(`expected a cleaned PDF, was refused: ${result.reason}`);
    expect(result.bytes.toString('latin1')).not.toContain('Planted Leftover Author');
  });

  it('when a PDF carries a file in a file specification without /Type, or an XFA form that would come out blank, then it is refused as not cleanable', async () => {
    const attached = await PDFDocument.create({ updateMetadata: false });
    const page = attached.addPage();
    const file = attached.context.register(attached.context.flateStream(await noisyJpeg()));
    const annotation = attached.context.obj({ Type: 'Annot', Subtype: 'RichMedia', Rect: [0, 0, 10, 10], RichMediaContent: { Assets: { Names: [PDFString.of('photo'), { F: PDFString.of('IMG_0043.jpg'), EF: { F: file } }] } } });
    page.node.set(PDFName.of('Annots'), attached.context.obj([attached.context.register(annotation)]));
    await expectRefused(Buffer.from(await attached.save()), 'pdf-not-cleanable');

    const xfa = await PDFDocument.create({ updateMetadata: false });
    xfa.addPage();
    xfa.catalog.set(PDFName.of('AcroForm'), xfa.context.obj({ Fields: [], XFA: xfa.context.register(xfa.context.flateStream('<xdp:xdp/>')) }));
    await expectRefused(Buffer.from(await xfa.save()), 'pdf-not-cleanable');
  });

  it('when a PDF carries an attached file, then it is refused as not cleanable', async () => {
    const document = await PDFDocument.create({ updateMetadata: false });
    document.addPage();
    await document.attach(await noisyJpeg(), 'IMG_0042.jpg', { mimeType: 'image/jpeg' });
    await expectRefused(Buffer.from(await document.save()), 'pdf-not-cleanable');
  });
});

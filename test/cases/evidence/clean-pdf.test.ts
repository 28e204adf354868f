import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import sharp from 'sharp';
import { cleanEvidence, type CleanedEvidence } from '../../../server/cases/evidence/clean-evidence';
import { PLANTED, jpegWithEverything } from './evidence-fixtures';
import { ACTIVE_PLANTED, SIGNED_PLANTED, activePdf, signedPdf } from './pdf-active-fixtures';
import { PAGE_SIZE, PDF_PLANTED, pdfWithMetadata, searchableText, withIncrementalUpdate } from './pdf-fixtures';

async function cleaned(bytes: Buffer): Promise<CleanedEvidence> {
  const result = await cleanEvidence(bytes);
  if (!result.ok) throw new Error(`expected the PDF to be cleaned, was refused: ${result.reason}`);
  return result;
}

const reload = (bytes: Uint8Array) => PDFDocument.load(bytes, { updateMetadata: false });

describe('cleaning a PDF with document metadata', () => {
  let original: Buffer;
  let result: CleanedEvidence;

  beforeAll(async () => {
    original = await pdfWithMetadata();
    result = await cleaned(original);
  });

  it('when the fixture is built, then every planted string is readable in its bytes (so the checks below can fail)', () => {
    const text = searchableText(original);
    for (const marker of Object.values(PDF_PLANTED)) expect(text).toContain(marker);
  });

  it('when a PDF with Info, XMP, PieceInfo and an annotation author is cleaned, then none of the planted strings remain, compressed or not', () => {
    expect(result).toMatchObject({ type: 'pdf', mimeType: 'application/pdf', extension: 'pdf' });
    const text = searchableText(result.bytes);
    for (const marker of Object.values(PDF_PLANTED)) expect(text).not.toContain(marker);
    for (const key of ['/Info', '/Metadata', '/PieceInfo', '/ID', '/Producer', 'pdf-lib', 'xpacket']) {
      expect(text).not.toContain(key);
    }
  });

  it('when a PDF is cleaned, then it reloads with no document information and no metadata stream', async () => {
    const document = await reload(result.bytes);
    expect(document.context.trailerInfo.Info).toBeUndefined();
    expect(document.catalog.get(PDFName.of('Metadata'))).toBeUndefined();
    expect(document.getPage(0).node.get(PDFName.of('Metadata'))).toBeUndefined();
    for (const read of [document.getTitle, document.getAuthor, document.getSubject, document.getKeywords, document.getCreator, document.getProducer]) {
      expect(read.call(document)).toBeUndefined();
    }
  });

  it('when a PDF is cleaned, then it keeps its pages, their size, their text and the note without its author', async () => {
    const document = await reload(result.bytes);
    expect(document.getPageCount()).toBe(2);
    expect(document.getPages().map((page) => [page.getWidth(), page.getHeight()])).toEqual([PAGE_SIZE, PAGE_SIZE]);
    const drawnText = Buffer.from('Evidence page 2').toString('hex').toUpperCase(); // pdf-lib draws text as hex strings
    expect(searchableText(result.bytes)).toContain(drawnText);
    const annotations = document.getPage(0).node.Annots();
    const note = annotations?.lookup(0, PDFDict);
    expect(note?.get(PDFName.of('Subtype'))).toBe(PDFName.of('Text'));
    expect(note?.get(PDFName.of('T'))).toBeUndefined();
  });

  it('when a PDF is cleaned, then the file is written anew rather than appended to', () => {
    expect(result.bytes.subarray(0, 200).equals(original.subarray(0, 200))).toBe(false);
    expect(result.bytes.toString('latin1').match(/%%EOF/g)).toHaveLength(1);
  });
});

describe('cleaning an incrementally updated PDF', () => {
  it('when an update replaced the Info dictionary, then neither the old nor the new one survives the rewrite', async () => {
    const original = await pdfWithMetadata();
    const updated = withIncrementalUpdate(original, 'Revised Title PLANTED');
    const asSeenByReaders = await reload(updated);
    expect(asSeenByReaders.getTitle()).toBe('Revised Title PLANTED');
    expect(updated.toString('latin1')).toContain(PDF_PLANTED.title);

    const result = await cleaned(updated);
    const text = searchableText(result.bytes);
    for (const marker of ['Revised Title PLANTED', PDF_PLANTED.title, PDF_PLANTED.author, PDF_PLANTED.producer, PDF_PLANTED.xmp]) {
      expect(text).not.toContain(marker);
    }
    expect(text.match(/%%EOF/g)).toHaveLength(1);
    expect((await reload(result.bytes)).getPageCount()).toBe(2);
  });
});

describe('cleaning a PDF that embeds a camera photo', () => {
  it('when a JPEG with EXIF is embedded, then the photo stays but its EXIF, XMP, IPTC and comment do not', async () => {
    const document = await PDFDocument.create({ updateMetadata: false });
    const photo = await document.embedJpg(await jpegWithEverything());
    document.addPage([200, 200]).drawImage(photo, { x: 0, y: 0, width: 64, height: 48 });
    const original = Buffer.from(await document.save({ useObjectStreams: false }));
    expect(original.toString('latin1')).toContain(PLANTED.serial);

    const result = await cleaned(original);
    const text = searchableText(result.bytes);
    for (const marker of [PLANTED.serial, PLANTED.make, PLANTED.owner, PLANTED.gpsDatum, PLANTED.xmp, PLANTED.iptc, PLANTED.comment, 'Exif']) {
      expect(text).not.toContain(marker);
    }
    const images = (await reload(result.bytes)).context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter((object): object is PDFRawStream => object instanceof PDFRawStream && object.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'));
    expect(images).toHaveLength(1);
    const metadata = await sharp(Buffer.from(images[0].contents)).metadata();
    expect([metadata.format, metadata.width, metadata.height, metadata.exif]).toEqual(['jpeg', 64, 48, undefined]);
  });
});

const hexOf = (text: string) => Buffer.from(text).toString('hex');

describe('cleaning a digitally signed PDF', () => {
  it('when a signed PDF is cleaned, then nothing of the signer remains (name, reason, place, contact, time, certificate, appearance, permissions), and the page and its note stay', async () => {
    const original = await signedPdf();
    const before = searchableText(original);
    for (const marker of Object.values(SIGNED_PLANTED).filter((value) => value !== SIGNED_PLANTED.certificate)) expect(before).toContain(marker);
    expect(before.toLowerCase()).toContain(hexOf(SIGNED_PLANTED.certificate));

    const result = await cleaned(original);
    const text = searchableText(result.bytes);
    for (const marker of Object.values(SIGNED_PLANTED)) expect(text).not.toContain(marker);
    expect(text.toLowerCase()).not.toContain(hexOf(SIGNED_PLANTED.certificate));
    for (const key of ['/Sig', '/ByteRange', '/Perms', '/AcroForm', '/DocMDP', 'Signature1']) expect(text).not.toContain(key);
    const document = await reload(result.bytes);
    expect(document.getPageCount()).toBe(1);
    expect(text).toContain(hexOf('Signed evidence page').toUpperCase());
    const annotations = document.getPage(0).node.Annots();
    expect(annotations?.size()).toBe(1);
    expect(annotations?.lookup(0, PDFDict).get(PDFName.of('Contents'))?.toString()).toBe('(Kept note)');
  });
});

describe('cleaning a PDF with scripts and actions', () => {
  it('when a PDF that runs scripts on open, on a page and behind a link is cleaned, then no action, script, annotation date or name, or custom catalog entry remains, and the pages and link area stay', async () => {
    const original = await activePdf();
    const before = searchableText(original);
    for (const marker of Object.values(ACTIVE_PLANTED)) expect(before).toContain(marker);

    const result = await cleaned(original);
    const text = searchableText(result.bytes);
    for (const marker of Object.values(ACTIVE_PLANTED)) expect(text).not.toContain(marker);
    for (const key of ['/JavaScript', '/JS', '/OpenAction', '/AA', '/Launch', '/URI', '/Names', '/PlantedCustom', '/NM', '/CreationDate']) expect(text).not.toContain(key);
    const document = await reload(result.bytes);
    expect(document.getPageCount()).toBe(2);
    for (const number of [1, 2]) expect(text).toContain(hexOf(`Active page ${number}`).toUpperCase());
    const link = document.getPage(0).node.Annots()?.lookup(0, PDFDict);
    expect(link?.get(PDFName.of('Subtype'))).toBe(PDFName.of('Link'));
    expect(link?.get(PDFName.of('A'))).toBeUndefined();
  });
});

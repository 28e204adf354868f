/**
 * PDFs carrying identifying metadata, built with pdf-lib and saved without
 * object streams so that a plain byte scan of the fixture finds every marker.
 */
import { inflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { xmpPacket } from './evidence-fixtures';

export const PDF_PLANTED = {
  title: 'Planted Title Bribery Ledger',
  author: 'Planted Author Xu Ming',
  subject: 'Planted Subject Tongzhou',
  keywords: 'Planted Keywords',
  creator: 'Planted Creator WPS Office',
  producer: 'Planted Producer Engine',
  xmp: 'Planted XMP Author Gu Li',
  pieceInfo: 'Planted PieceInfo private data',
  annotationAuthor: 'Planted Annotation Author Ma',
};

export const PAGE_SIZE: [number, number] = [300, 200];

/** A two-page PDF with a full /Info, a catalog and a page XMP stream, /PieceInfo and a commented note. */
export async function pdfWithMetadata(): Promise<Buffer> {
  const document = await PDFDocument.create({ updateMetadata: false });
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const number of [1, 2]) {
    document.addPage(PAGE_SIZE).drawText(`Evidence page ${number}`, { x: 20, y: 100, size: 18, font });
  }
  const { context } = document;
  const literal = (text: string) => PDFString.of(text);
  context.trailerInfo.Info = context.register(
    context.obj({
      Title: literal(PDF_PLANTED.title),
      Author: literal(PDF_PLANTED.author),
      Subject: literal(PDF_PLANTED.subject),
      Keywords: literal(PDF_PLANTED.keywords),
      Creator: literal(PDF_PLANTED.creator),
      Producer: literal(PDF_PLANTED.producer),
      CreationDate: literal("D:20240512093000+08'00'"),
    }),
  );
  const xmp = (creator: string) => context.register(context.stream(xmpPacket(creator), { Type: 'Metadata', Subtype: 'XML' }));
  document.catalog.set(PDFName.of('Metadata'), xmp(PDF_PLANTED.xmp));
  const firstPage = document.getPage(0).node;
  firstPage.set(PDFName.of('Metadata'), xmp(`${PDF_PLANTED.xmp} (page)`));
  firstPage.set(PDFName.of('PieceInfo'), context.obj({ PlantedApp: { Private: literal(PDF_PLANTED.pieceInfo) } }));
  const note = context.obj({ Type: 'Annot', Subtype: 'Text', Rect: [10, 10, 30, 30], Contents: literal('See ledger'), T: literal(PDF_PLANTED.annotationAuthor) });
  firstPage.set(PDFName.of('Annots'), context.obj([context.register(note)]));
  return Buffer.from(await document.save({ useObjectStreams: false }));
}

/**
 * Appends an incremental update, as editors do when "saving" a signed or
 * large file: a new /Info object and a trailer with /Prev. The old /Info
 * stays in the file, which is exactly what must not reach the commission.
 */
export function withIncrementalUpdate(original: Buffer, newTitle: string): Buffer {
  const text = original.toString('latin1');
  const previousXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  const size = Number(/\/Size (\d+)/.exec(text)?.[1]);
  const root = /\/Root (\d+ \d+ R)/.exec(text)?.[1];
  if (!previousXref || !size || !root) throw new Error('fixture: could not read the original trailer');
  const objectOffset = original.length;
  const object = `${size} 0 obj\n<< /Title (${newTitle}) /Author (${PDF_PLANTED.author} revised) >>\nendobj\n`;
  const xrefOffset = objectOffset + Buffer.byteLength(object, 'latin1');
  const update =
    object +
    `xref\n0 1\n0000000000 65535 f \n${size} 1\n${String(objectOffset).padStart(10, '0')} 00000 n \n` +
    `trailer\n<< /Size ${size + 1} /Root ${root} /Info ${size} 0 R /Prev ${previousXref} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([original, Buffer.from(update, 'latin1')]);
}

/** The raw bytes plus every stream that inflates, so compressed copies of a marker are found too. */
export function searchableText(pdf: Buffer): string {
  const parts = [pdf.toString('latin1')];
  const streamPattern = /stream\r?\n/g;
  let match: RegExpExecArray | null;
  while ((match = streamPattern.exec(parts[0])) !== null) {
    const start = match.index + match[0].length;
    const end = parts[0].indexOf('endstream', start);
    if (end < 0) break;
    try {
      parts.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // not a Flate stream
    }
  }
  return parts.join('\n');
}

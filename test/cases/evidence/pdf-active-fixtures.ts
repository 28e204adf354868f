/**
 * PDFs that could betray the reporter or call home when staff open them:
 * a digital signature (the signer's name, reason, place, contact, time and a
 * PKCS#7 blob naming them and their employer), scripts and actions on open,
 * on page view and behind a link, annotation metadata and a custom catalog
 * dictionary. Built with pdf-lib, without object streams, so that a byte
 * scan of the fixture finds every marker.
 */
import { PDFDocument, PDFHexString, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { PAGE_SIZE } from './pdf-fixtures';

export const SIGNED_PLANTED = {
  signer: 'Planted Signer Zhou Wei',
  reason: 'Planted Reason approved by the bureau',
  location: 'Planted Location Jinsha town',
  contact: 'Planted Contact 13800000000',
  signedAt: "D:20240601120000+08'00'",
  appearance: 'Digitally signed by Planted Signer Zhou Wei',
  certificate: 'Planted Certificate CN=Zhou Wei O=Tongzhou Housing Bureau',
};

export const ACTIVE_PLANTED = {
  openScript: 'planted-open-script-calls-home',
  namedScript: 'planted-named-script',
  launch: 'planted-launch-payload.exe',
  pageAction: 'planted-page-action-script',
  uri: 'https://planted-call-home.example/seen',
  annotationModified: "D:20240602090000+08'00'",
  annotationCreated: "D:20240602080000+08'00'",
  annotationName: 'planted-annotation-nm-uuid',
  annotationAction: 'planted-annotation-aa-script',
  custom: 'planted-custom-catalog-data',
};

/** One page with text, a note that stays, and a signature field over it, with /Perms naming the signature. */
export async function signedPdf(): Promise<Buffer> {
  const document = await PDFDocument.create({ updateMetadata: false });
  const font = await document.embedFont(StandardFonts.Helvetica);
  const page = document.addPage(PAGE_SIZE);
  page.drawText('Signed evidence page', { x: 20, y: 100, size: 18, font });
  const { context } = document;
  const text = (value: string) => PDFString.of(value);
  const signature = context.register(context.obj({
    Type: 'Sig', Filter: 'Adobe.PPKLite', SubFilter: 'adbe.pkcs7.detached',
    Name: text(SIGNED_PLANTED.signer), Reason: text(SIGNED_PLANTED.reason), Location: text(SIGNED_PLANTED.location),
    ContactInfo: text(SIGNED_PLANTED.contact), M: text(SIGNED_PLANTED.signedAt), ByteRange: [0, 10, 20, 30],
    Contents: PDFHexString.of(Buffer.from(SIGNED_PLANTED.certificate).toString('hex')),
  }));
  const appearance = context.register(context.flateStream(`BT /F1 8 Tf 2 4 Td (${SIGNED_PLANTED.appearance}) Tj ET`, { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 200, 20] }));
  const field = context.register(context.obj({
    Type: 'Annot', Subtype: 'Widget', FT: 'Sig', T: text('Signature1'), F: 4, Rect: [20, 20, 220, 40], V: signature, P: page.ref,
    AP: { N: appearance },
  }));
  const note = context.register(context.obj({ Type: 'Annot', Subtype: 'Text', Rect: [10, 150, 30, 170], Contents: text('Kept note') }));
  page.node.set(PDFName.of('Annots'), context.obj([note, field]));
  document.catalog.set(PDFName.of('AcroForm'), context.obj({ Fields: [field], SigFlags: 3 }));
  document.catalog.set(PDFName.of('Perms'), context.obj({ DocMDP: signature }));
  return Buffer.from(await document.save({ useObjectStreams: false }));
}

/** Two pages with text; scripts and actions everywhere a reader runs them. */
export async function activePdf(): Promise<Buffer> {
  const document = await PDFDocument.create({ updateMetadata: false });
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const number of [1, 2]) document.addPage(PAGE_SIZE).drawText(`Active page ${number}`, { x: 20, y: 100, size: 18, font });
  const { context, catalog } = document;
  const text = (value: string) => PDFString.of(value);
  const script = (code: string) => context.obj({ S: 'JavaScript', JS: text(`app.launchURL("${code}")`) });
  catalog.set(PDFName.of('OpenAction'), context.register(script(ACTIVE_PLANTED.openScript)));
  catalog.set(PDFName.of('Names'), context.obj({ JavaScript: { Names: [text('init'), context.register(script(ACTIVE_PLANTED.namedScript))] } }));
  catalog.set(PDFName.of('PlantedCustom'), context.obj({ Data: text(ACTIVE_PLANTED.custom) }));
  const first = document.getPage(0).node;
  first.set(PDFName.of('AA'), context.obj({ O: { S: 'Launch', F: text(ACTIVE_PLANTED.launch) }, C: script(ACTIVE_PLANTED.pageAction) }));
  const link = context.register(context.obj({
    Type: 'Annot', Subtype: 'Link', Rect: [20, 20, 120, 40], Border: [0, 0, 0],
    A: { S: 'URI', URI: text(ACTIVE_PLANTED.uri) },
    AA: { E: script(ACTIVE_PLANTED.annotationAction) },
    M: text(ACTIVE_PLANTED.annotationModified), CreationDate: text(ACTIVE_PLANTED.annotationCreated), NM: text(ACTIVE_PLANTED.annotationName),
  }));
  first.set(PDFName.of('Annots'), context.obj([link]));
  return Buffer.from(await document.save({ useObjectStreams: false }));
}

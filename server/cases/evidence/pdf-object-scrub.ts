/**
 * Walks a parsed PDF from its catalog, strips identifying entries, actions,
 * scripts and signatures on the way (pdf-active-content.ts) and drops every
 * object the walk did not reach. pdf-lib writes out every
 * object it parsed, including the earlier revisions an incremental update
 * left behind (an old /Info, an old XMP stream), so keeping only what the
 * document still uses is what makes the rewrite complete.
 */
import {
  PDFArray,
  PDFContext,
  PDFDict,
  PDFInvalidObject,
  PDFName,
  PDFObject,
  PDFRawStream,
  PDFRef,
  PDFStream,
} from 'pdf-lib';
import { stripJpegMetadataSegments } from './jpeg-metadata-segments';
import { dropSignatures, isActiveOrSigned, keepOnlyPageCatalogEntries, stripActiveEntries } from './pdf-active-content';

/** XMP packets and the private data of the application that last saved the file. */
const ALWAYS_STRIPPED = [PDFName.of('Metadata'), PDFName.of('PieceInfo')];
const ANNOTATION_AUTHOR = PDFName.of('T');
const WIDGET = PDFName.of('Widget');
const DCT_DECODE = PDFName.of('DCTDecode');

/**
 * Returns false when something reachable cannot be cleaned: an object pdf-lib
 * could not parse (it would be copied byte for byte), an attached file (it
 * could be the original photo), or a JPEG compressed further by another filter.
 */
export function scrubReachableObjects(context: PDFContext): boolean {
  const catalog = context.lookup(context.trailerInfo.Root);
  if (!(catalog instanceof PDFDict) || reachesEmbeddedFile(context) || hasFormWithoutAppearances(catalog)) return false;
  keepOnlyPageCatalogEntries(catalog);
  const reachable = new Set<PDFRef>();
  const pending: (PDFObject | undefined)[] = [context.trailerInfo.Root];
  while (pending.length > 0) {
    const object = pending.pop();
    if (object instanceof PDFRef) {
      if (reachable.has(object)) continue;
      reachable.add(object);
      const target = scrubIndirectObject(context, object);
      if (target === null) return false;
      pending.push(target);
    } else if (object instanceof PDFDict) {
      stripIdentifyingEntries(object);
      stripActiveEntries(object);
      for (const value of object.values()) pending.push(value);
    } else if (object instanceof PDFArray) {
      dropSignatures(object);
      for (const element of object.asArray()) pending.push(element);
    } else if (object instanceof PDFStream) {
      pending.push(object.dict);
    }
  }
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (!reachable.has(ref)) context.delete(ref);
  }
  return true;
}

/**
 * The form is dropped with the rest of the catalog: fields keep showing through
 * their widgets' appearance streams. An XFA form, or one that asks the reader
 * to draw its fields (NeedAppearances), would come out blank: refused instead.
 */
function hasFormWithoutAppearances(catalog: PDFDict): boolean {
  const form = catalog.lookup(PDFName.of('AcroForm'));
  if (!(form instanceof PDFDict)) return false;
  return form.has(PDFName.of('XFA')) || form.get(PDFName.of('NeedAppearances'))?.toString() === 'true';
}

/** An attached file anywhere the document still refers to: it could be the original photo, so the file is refused rather than dropped unseen. */
function reachesEmbeddedFile(context: PDFContext): boolean {
  const seen = new Set<PDFRef>();
  const pending: (PDFObject | undefined)[] = [context.trailerInfo.Root];
  while (pending.length > 0) {
    const object = pending.pop();
    if (object instanceof PDFRef) {
      if (seen.has(object)) continue;
      seen.add(object);
      pending.push(context.lookup(object));
    } else if (object instanceof PDFStream) {
      if (isEmbeddedFile(object.dict)) return true;
      pending.push(object.dict);
    } else if (object instanceof PDFDict) {
      // /Type /EmbeddedFile is optional; a file specification's /EF is what holds the file.
      if (object.get(PDFName.of('Subtype')) === PDFName.of('FileAttachment') || object.has(PDFName.of('EF'))) return true;
      for (const value of object.values()) pending.push(value);
    } else if (object instanceof PDFArray) {
      for (const element of object.asArray()) pending.push(element);
    }
  }
  return false;
}

function scrubIndirectObject(context: PDFContext, ref: PDFRef): PDFObject | undefined | null {
  const target = context.lookup(ref);
  if (target instanceof PDFInvalidObject) return null;
  if (!(target instanceof PDFStream)) return target;
  if (isEmbeddedFile(target.dict)) return null;
  if (!(target instanceof PDFRawStream) || !usesDctDecode(target.dict)) return target;
  if (!isOnlyDctDecode(target.dict)) return null;
  const stripped = stripJpegMetadataSegments(target.contents);
  if (stripped === null) return null;
  const replacement = PDFRawStream.of(target.dict, stripped);
  context.assign(ref, replacement);
  return replacement;
}

/**
 * Markup annotations (comments, highlights) carry their author's name in /T.
 * On form widgets /T is the field name instead, which the form needs.
 */
function stripIdentifyingEntries(dict: PDFDict): void {
  for (const key of ALWAYS_STRIPPED) dict.delete(key);
  const subtype = dict.get(PDFName.of('Subtype'));
  const isAnnotation = dict.has(PDFName.of('Rect')) && subtype instanceof PDFName;
  if (isAnnotation && subtype !== WIDGET) dict.delete(ANNOTATION_AUTHOR);
}

function isEmbeddedFile(dict: PDFDict): boolean {
  return dict.get(PDFName.of('Type')) === PDFName.of('EmbeddedFile');
}

function filtersOf(dict: PDFDict): PDFObject[] {
  const filter = dict.lookup(PDFName.of('Filter'));
  if (filter instanceof PDFArray) return filter.asArray().map((entry) => dict.context.lookup(entry) ?? entry);
  return filter === undefined ? [] : [filter];
}

function usesDctDecode(dict: PDFDict): boolean {
  return filtersOf(dict).includes(DCT_DECODE);
}

function isOnlyDctDecode(dict: PDFDict): boolean {
  const filters = filtersOf(dict);
  return filters.length === 1 && filters[0] === DCT_DECODE;
}

/** True when a dictionary anywhere in the document still names metadata, runs something or signs something. */
export function carriesMetadata(context: PDFContext): boolean {
  for (const [, object] of context.enumerateIndirectObjects()) {
    const pending: PDFObject[] = [object];
    while (pending.length > 0) {
      const current = pending.pop();
      const dict = current instanceof PDFStream ? current.dict : current;
      if (dict instanceof PDFDict) {
        if (ALWAYS_STRIPPED.some((key) => dict.has(key))) return true;
        if (dict.get(PDFName.of('Type')) === PDFName.of('Metadata')) return true;
        if (isActiveOrSigned(dict)) return true;
        for (const value of dict.values()) pending.push(value);
      } else if (dict instanceof PDFArray) {
        for (const element of dict.asArray()) pending.push(element);
      }
    }
  }
  return false;
}

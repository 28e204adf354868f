/**
 * What a PDF may do or say besides its pages, and what the cleaner drops:
 *   - actions and scripts (/OpenAction, /AA, /A, /JS, the /Names JavaScript
 *     tree): a desktop reader runs them when staff open the file, and a
 *     hostile file can call home (telling the reporter's target who opened
 *     it, and when) or attack the reader;
 *   - digital signatures (signature fields, their values with the signer's
 *     name, reason, place, contact and time, the PKCS#7 blob with the
 *     signer's certificate, /Perms): they name the person who sent the file;
 *   - annotations' own metadata (/M, /CreationDate, /NM);
 *   - every catalog entry but the few that say how to show the pages.
 */
import { PDFArray, PDFDict, PDFName, type PDFObject } from 'pdf-lib';

const KEPT_CATALOG_ENTRIES = new Set(
  ['Type', 'Version', 'Pages', 'PageLabels', 'PageLayout', 'PageMode', 'ViewerPreferences', 'Lang', 'MarkInfo', 'StructTreeRoot', 'OCProperties'].map((key) => PDFName.of(key)),
);
/** Keys that hold or start an action or script wherever they appear. */
const ACTION_KEYS = ['OpenAction', 'AA', 'JS', 'Perms'].map((key) => PDFName.of(key));
const ANNOTATION_METADATA = ['M', 'CreationDate', 'NM'].map((key) => PDFName.of(key));
const ACTION = PDFName.of('A');
const SIGNATURE = PDFName.of('Sig');
const TYPE = PDFName.of('Type');
const FIELD_TYPE = PDFName.of('FT');
const PARENT = PDFName.of('Parent');
const VALUE = PDFName.of('V');

export function keepOnlyPageCatalogEntries(catalog: PDFDict): void {
  for (const key of catalog.keys()) if (!KEPT_CATALOG_ENTRIES.has(key)) catalog.delete(key);
}

/** Drops from one dictionary what runs, and an annotation's own metadata. */
export function stripActiveEntries(dict: PDFDict): void {
  for (const key of ACTION_KEYS) dict.delete(key);
  // /A is an action on links, widgets and outline items; on structure elements it holds attributes, which stay.
  if (isAction(dict.lookup(ACTION))) dict.delete(ACTION);
  if (isAnnotation(dict)) for (const key of ANNOTATION_METADATA) dict.delete(key);
}

/** Removes signature fields and widgets from an array (a page's /Annots, a field's /Kids, /Fields). */
export function dropSignatures(array: PDFArray): void {
  for (let index = array.size() - 1; index >= 0; index -= 1) {
    if (isSignature(array.lookup(index))) array.remove(index);
  }
}

/** A signature value, or a field or widget of type /Sig (the type may come from a parent field). */
export function isSignature(object: PDFObject | undefined): boolean {
  if (!(object instanceof PDFDict)) return false;
  if (object.get(TYPE) === SIGNATURE || object.has(PDFName.of('ByteRange'))) return true;
  for (let field: PDFDict | undefined = object, depth = 0; field && depth < 32; depth += 1) {
    if (field.get(FIELD_TYPE) === SIGNATURE) return true;
    if (field.has(FIELD_TYPE)) return false;
    const parent: PDFObject | undefined = field.lookup(PARENT);
    field = parent instanceof PDFDict ? parent : undefined;
  }
  // A field's value is a signature dictionary only on signature fields; other values are strings or names.
  const value = object.lookup(VALUE);
  return value instanceof PDFDict && (value.get(TYPE) === SIGNATURE || value.has(PDFName.of('ByteRange')));
}

/** True when a dictionary still runs something, signs something or dates an annotation (for the check of our own output). */
export function isActiveOrSigned(dict: PDFDict): boolean {
  if (ACTION_KEYS.some((key) => dict.has(key)) || isAction(dict.lookup(ACTION))) return true;
  if (dict.get(TYPE) === PDFName.of('Action') || dict.get(TYPE) === SIGNATURE || dict.has(PDFName.of('ByteRange')) || dict.get(FIELD_TYPE) === SIGNATURE) return true;
  return isAnnotation(dict) && ANNOTATION_METADATA.some((key) => dict.has(key));
}

function isAction(object: PDFObject | undefined): boolean {
  return object instanceof PDFDict && (object.has(PDFName.of('S')) || object.get(TYPE) === PDFName.of('Action'));
}

function isAnnotation(dict: PDFDict): boolean {
  return dict.has(PDFName.of('Rect')) && dict.get(PDFName.of('Subtype')) instanceof PDFName;
}


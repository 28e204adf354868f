/**
 * Builds evidence files carrying identifying metadata, byte by byte where
 * sharp and pdf-lib refuse to write it, so that no binary fixture is committed
 * and every planted marker is known to the tests.
 */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

export const PLANTED = {
  make: 'PlantedMake Optics',
  model: 'PlantedModel QF-7',
  serial: 'SN-PLANTED-773105',
  owner: 'Planted Owner Wang',
  gpsDatum: 'GPS-PLANTED-DATUM',
  xmp: 'Planted XMP Creator Zhou',
  iptc: 'Planted IPTC Byline Chen',
  comment: 'Planted JPEG comment from Tongzhou',
  pngAuthor: 'Planted PNG Author Li',
  pngText: 'Planted iTXt description Sun',
};

/** 32°01'43.21" N, 121°03'12.34" E, roughly Tongzhou, as the three EXIF rationals each. */
export const LATITUDE: Array<[number, number]> = [[32, 1], [1, 1], [4321, 100]];
export const LONGITUDE: Array<[number, number]> = [[121, 1], [3, 1], [1234, 100]];

export function containsText(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes).includes(Buffer.from(text, 'latin1'));
}

export function rationalBytes(values: Array<[number, number]>): Buffer {
  const bytes = Buffer.alloc(values.length * 8);
  values.forEach(([numerator, denominator], index) => {
    bytes.writeUInt32LE(numerator, index * 8);
    bytes.writeUInt32LE(denominator, index * 8 + 4);
  });
  return bytes;
}

interface TiffEntry {
  tag: number;
  type: 2 | 3 | 4 | 5; // ASCII, SHORT, LONG, RATIONAL
  count: number;
  data: Buffer;
}

const ascii = (tag: number, text: string): TiffEntry => ({ tag, type: 2, count: text.length + 1, data: Buffer.from(`${text}\0`, 'latin1') });
const short = (tag: number, value: number): TiffEntry => ({ tag, type: 3, count: 1, data: Buffer.from([value & 0xff, value >> 8]) });
const long = (tag: number, value: number): TiffEntry => {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(value);
  return { tag, type: 4, count: 1, data };
};
const rationals = (tag: number, values: Array<[number, number]>): TiffEntry => ({ tag, type: 5, count: values.length, data: rationalBytes(values) });

/** Little-endian TIFF with IFD0 pointing at an Exif IFD and a GPS IFD, as cameras write it. */
function buildExifTiff(ifd0: TiffEntry[], exif: TiffEntry[], gps: TiffEntry[]): Buffer {
  const ifdSize = (count: number) => 2 + count * 12 + 4;
  const exifOffset = 8 + ifdSize(ifd0.length + 2);
  const gpsOffset = exifOffset + ifdSize(exif.length);
  const withPointers = [...ifd0, long(0x8769, exifOffset), long(0x8825, gpsOffset)].sort((a, b) => a.tag - b.tag);
  const ifds = [withPointers, exif, gps];
  let dataOffset = gpsOffset + ifdSize(gps.length);
  const dataArea: Buffer[] = [];
  const encodedIfds = ifds.map((entries) => {
    const ifd = Buffer.alloc(ifdSize(entries.length));
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach((entry, index) => {
      const at = 2 + index * 12;
      ifd.writeUInt16LE(entry.tag, at);
      ifd.writeUInt16LE(entry.type, at + 2);
      ifd.writeUInt32LE(entry.count, at + 4);
      if (entry.data.length <= 4) {
        entry.data.copy(ifd, at + 8);
      } else {
        ifd.writeUInt32LE(dataOffset, at + 8);
        const padded = entry.data.length % 2 ? Buffer.concat([entry.data, Buffer.alloc(1)]) : entry.data;
        dataArea.push(padded);
        dataOffset += padded.length;
      }
    });
    return ifd;
  });
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  return Buffer.concat([header, ...encodedIfds, ...dataArea]);
}

export function jpegSegment(marker: number, payload: Buffer): Buffer {
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/** Orientation 6: the camera was held upright, so the stored pixels are rotated. */
export function exifSegment(): Buffer {
  const tiff = buildExifTiff(
    [ascii(0x010f, PLANTED.make), ascii(0x0110, PLANTED.model), short(0x0112, 6)],
    [ascii(0xa430, PLANTED.owner), ascii(0xa431, PLANTED.serial)],
    [ascii(0x0001, 'N'), rationals(0x0002, LATITUDE), ascii(0x0003, 'E'), rationals(0x0004, LONGITUDE), ascii(0x0012, PLANTED.gpsDatum)],
  );
  return jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
}

export function xmpPacket(creator: string): string {
  return [
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>${creator}</rdf:li></rdf:Seq></dc:creator></rdf:Description>`,
    '</rdf:RDF></x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
}

function xmpSegment(): Buffer {
  return jpegSegment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0${xmpPacket(PLANTED.xmp)}`, 'utf8'));
}

/** APP13 "Photoshop 3.0" holding one 8BIM resource 0x0404 (IPTC-NAA) with record 2:80 By-line. */
function iptcSegment(): Buffer {
  const byline = Buffer.from(PLANTED.iptc, 'latin1');
  const iptc = Buffer.concat([
    Buffer.from([0x1c, 0x02, 0x00, 0x00, 0x02, 0x00, 0x04]),
    Buffer.from([0x1c, 0x02, 0x50, byline.length >> 8, byline.length & 0xff]),
    byline,
  ]);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(iptc.length);
  const padding = Buffer.alloc(iptc.length % 2);
  const resource = Buffer.concat([Buffer.from('8BIM', 'latin1'), Buffer.from([0x04, 0x04, 0x00, 0x00]), size, iptc, padding]);
  return jpegSegment(0xed, Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), resource]));
}

export function insertAfterSoi(jpeg: Buffer, segments: Buffer[]): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** A 64×48 photo with a Display P3 profile, EXIF (GPS, serial, orientation 6), XMP, IPTC and a comment. */
export async function jpegWithEverything(): Promise<Buffer> {
  const base = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7bd5' } })
    .withIccProfile('p3')
    .jpeg()
    .toBuffer();
  const comment = jpegSegment(0xfe, Buffer.from(PLANTED.comment, 'latin1'));
  return insertAfterSoi(base, [exifSegment(), xmpSegment(), iptcSegment(), comment]);
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function ihdr(width: number, height: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = 8; // bit depth
  data[9] = 2; // truecolour
  return pngChunk('IHDR', data);
}

/** A 40×30 PNG with tEXt Author and iTXt Description chunks placed between IHDR and IDAT. */
export async function pngWithTextChunks(): Promise<Buffer> {
  const base = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#d53a7b' } }).png().toBuffer();
  const afterIhdr = PNG_SIGNATURE.length + 25;
  const text = pngChunk('tEXt', Buffer.from(`Author\0${PLANTED.pngAuthor}`, 'latin1'));
  const itxt = pngChunk('iTXt', Buffer.from(`Description\0\0\0\0\0${PLANTED.pngText}`, 'utf8'));
  return Buffer.concat([base.subarray(0, afterIhdr), text, itxt, base.subarray(afterIhdr)]);
}

export async function webpWithExifAndXmp(): Promise<Buffer> {
  return sharp({ create: { width: 50, height: 20, channels: 3, background: '#7bd53a' } })
    .webp()
    .withExif({ IFD0: { Make: PLANTED.make, Model: PLANTED.model } })
    .withXmp(xmpPacket(PLANTED.xmp))
    .toBuffer();
}

/**
 * A classic PDF from numbered object bodies (object n is objects[n - 1]) with
 * a correct cross-reference table, for files pdf-lib will not write.
 */
export function handBuiltPdf(objects: string[], trailerEntries: string): Buffer {
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, index) => {
    const offset = Buffer.byteLength(body, 'latin1');
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xrefOffset = Buffer.byteLength(body, 'latin1');
  const rows = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${rows}`;
  body += `trailer\n<< /Size ${objects.length + 1} ${trailerEntries} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

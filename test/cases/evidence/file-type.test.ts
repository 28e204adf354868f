import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { detectEvidenceType } from '../../../server/cases/evidence/file-type';

const tiny = () => sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } });

describe('detecting the evidence type from content', () => {
  it('when real JPEG, PNG, WebP and PDF files are given, then each is recognised', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage();
    expect(detectEvidenceType(await tiny().jpeg().toBuffer())).toBe('jpeg');
    expect(detectEvidenceType(await tiny().png().toBuffer())).toBe('png');
    expect(detectEvidenceType(await tiny().webp().toBuffer())).toBe('webp');
    expect(detectEvidenceType(Buffer.from(await pdf.save()))).toBe('pdf');
  });

  it.each([
    ['an ELF executable', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0, 0, 0, 0])],
    ['a Windows executable', Buffer.from('MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.', 'latin1')],
    ['an HTML page', Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>')],
    ['an SVG image', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    ['a GIF image', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')],
    ['a RIFF file that is not WebP', Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')],
    ['the first two bytes of a JPEG only', Buffer.from([0xff, 0xd8])],
    ['a PDF header that does not start at byte 0', Buffer.from('<html>%PDF-1.7\n')],
    ['an empty file', Buffer.alloc(0)],
  ])('when %s is given, then no type is detected', (_label, bytes) => {
    expect(detectEvidenceType(bytes)).toBeNull();
  });
});

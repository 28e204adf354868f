/**
 * The archive format on its own: content of several chunks (a record larger
 * than a chunk included) comes back exactly; swapped or repeated chunks and
 * a changed header are refused.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ArchiveWriter, openArchiveChunks } from '../../server/backup/archive-cipher';
import { bsonOf, encodeRecord, recordsOf, recordType } from '../../server/backup/archive-records';
import { generateCommissionKeyPair } from '../../server/cases/sealing/commission-key';

const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-archive-test-'));
const key = generateCommissionKeyPair();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeArchive(file: string, documents: Buffer[]): Promise<void> {
  const writer = new ArchiveWriter(createWriteStream(file), key.publicKeyPem);
  await writer.start();
  for (const document of documents) for (const part of encodeRecord(recordType.document, document)) await writer.write(part);
  await writer.finish();
}

async function readDocuments(file: string): Promise<Buffer[]> {
  const handle = await open(file, 'r');
  try {
    const documents: Buffer[] = [];
    for await (const record of recordsOf(openArchiveChunks(handle, key.privateKeyPem))) documents.push(Buffer.from(record.bytes));
    return documents;
  } finally {
    await handle.close();
  }
}

/** [start, end) of each chunk in the file. */
function chunksOf(bytes: Buffer): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  for (let position = 14 + bytes.readUInt32BE(10); position < bytes.length; position += 5 + bytes.readUInt32BE(position + 1)) chunks.push([position, position + 5 + bytes.readUInt32BE(position + 1)]);
  return chunks;
}

describe('the backup archive format', () => {
  const documents = [bsonOf({ small: 1 }), bsonOf({ file: randomBytes(2_500_000) }), ...Array.from({ length: 300 }, (_, i) => bsonOf({ i, text: randomBytes(900).toString('hex') }))];
  const file = path.join(dir, 'many-chunks.qfbackup');

  it('when content spans several chunks, a record larger than a chunk included, then it reads back exactly and the plain bytes never appear', async () => {
    await writeArchive(file, documents);
    const bytes = readFileSync(file);
    expect(chunksOf(bytes).length).toBeGreaterThanOrEqual(3);
    expect(bytes.includes(documents[5].subarray(20, 60))).toBe(false);
    const read = await readDocuments(file);
    // Buffer.equals: jest's deep equality walks a 2.5 MB buffer byte by byte, for a minute.
    expect(read.length).toBe(documents.length);
    expect(read.every((document, i) => document.equals(documents[i]))).toBe(true);
  });

  it('when two chunks are swapped, one is repeated, or the header is changed, then reading is refused', async () => {
    const bytes = readFileSync(file);
    const [first, second] = chunksOf(bytes);
    const head = bytes.subarray(0, first[0]);
    const swapped = Buffer.concat([head, bytes.subarray(...second), bytes.subarray(...first), bytes.subarray(second[1])]);
    const repeated = Buffer.concat([head, bytes.subarray(...first), bytes.subarray(...first), bytes.subarray(second[1])]);
    const header = JSON.parse(bytes.subarray(14, first[0]).toString('utf8'));
    const changedJson = Buffer.from(JSON.stringify({ ...header, createdAt: '2020-01-01T00:00:00.000Z' }));
    const lengthBytes = Buffer.alloc(4);
    lengthBytes.writeUInt32BE(changedJson.length);
    const changedHeader = Buffer.concat([bytes.subarray(0, 10), lengthBytes, changedJson, bytes.subarray(first[0])]);
    for (const [name, altered] of Object.entries({ swapped, repeated, changedHeader })) {
      const target = path.join(dir, `${name}.qfbackup`);
      writeFileSync(target, altered);
      await expect(readDocuments(target)).rejects.toThrow(/failed authentication/);
    }
  });
});

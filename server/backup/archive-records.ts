/**
 * What is inside a backup archive, once decrypted: a stream of records, each
 * a type byte and one BSON document (which carries its own length), so that
 * every value keeps its type (ObjectId, Date, Binary, Int32, Double…).
 *
 *   collection  { name, indexes }   then its documents, each as stored
 *   document    the document's own BSON bytes
 *   end of collection { name, count }
 *   end of archive   { collections, documents }
 */
import mongoose from 'mongoose';

const { BSON } = mongoose.mongo;

export const recordType = { collection: 0x43, document: 0x44, collectionEnd: 0x45, archiveEnd: 0x5a } as const;
export type RecordType = (typeof recordType)[keyof typeof recordType];

export interface ArchiveRecord {
  type: RecordType;
  /** the document's BSON bytes */
  bytes: Buffer;
}

export interface IndexSpec {
  key: Record<string, unknown>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Record<string, unknown>;
}

export function encodeRecord(type: RecordType, documentBytes: Buffer): Buffer[] {
  return [Buffer.from([type]), documentBytes];
}

export function bsonOf(value: Record<string, unknown>): Buffer {
  return Buffer.from(BSON.serialize(value));
}

/** A record's document as stored: numbers keep their BSON type, bytes stay Binary. */
export function documentOf(bytes: Buffer): Record<string, unknown> {
  return BSON.deserialize(bytes, { promoteValues: false, promoteBuffers: false, bsonRegExp: true });
}

/** A control record's fields as plain JavaScript values. */
export function fieldsOf<T>(bytes: Buffer): T {
  return BSON.deserialize(bytes) as T;
}

/** Splits decrypted chunks into records, however the records fall across chunk boundaries. */
export async function* recordsOf(chunks: AsyncIterable<Buffer>): AsyncGenerator<ArchiveRecord> {
  const queue = new ByteQueue();
  for await (const chunk of chunks) {
    queue.push(chunk);
    for (;;) {
      if (queue.length < 5) break;
      const head = queue.peek(5);
      const documentLength = head.readInt32LE(1);
      if (!(Object.values(recordType) as number[]).includes(head[0]) || documentLength < 5) throw new Error('The archive content is malformed.');
      if (queue.length < 1 + documentLength) break;
      const record = queue.take(1 + documentLength);
      yield { type: record[0] as RecordType, bytes: record.subarray(1) };
    }
  }
  if (queue.length > 0) throw new Error('The archive content ends inside a record.');
}

/** Bytes in arrival order; joins pieces only when a record is taken, so a 10 MB file arriving in 1 MiB chunks is copied once. */
class ByteQueue {
  private pieces: Buffer[] = [];
  length = 0;

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pieces.push(bytes);
    this.length += bytes.length;
  }

  peek(count: number): Buffer {
    if (this.pieces[0].length >= count) return this.pieces[0].subarray(0, count);
    return Buffer.concat(this.pieces).subarray(0, count);
  }

  take(count: number): Buffer {
    const all = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
    const taken = all.subarray(0, count);
    const rest = all.subarray(count);
    this.pieces = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return taken;
  }
}

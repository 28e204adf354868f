/**
 * `npm run backup`: every collection of the database, its indexes and every
 * document as stored (evidence files are documents of `attachments`), into
 * one archive encrypted to the backup key. Read through the driver alone
 * (list the collections, read each whole, documents as raw BSON), so it is the
 * same on the embedded FerretDB and on MongoDB. Not a snapshot: run it with
 * the portal stopped.
 */
import type { Writable } from 'node:stream';
import type mongoose from 'mongoose';
import { ArchiveWriter } from './archive-cipher';
import { bsonOf, encodeRecord, recordType, type IndexSpec } from './archive-records';

type Db = mongoose.mongo.Db;

/** Sessions are not kept: after a restore everyone signs in again (a session would name the key it unlocked). */
export const collectionsNotBackedUp = new Set(['staff_sessions']);

export interface BackupSummary {
  collections: number;
  documents: number;
  archiveBytes: number;
}

export async function writeBackup(db: Db, out: Writable, backupPublicKeyPem: string): Promise<BackupSummary> {
  const writer = new ArchiveWriter(out, backupPublicKeyPem);
  await writer.start();
  const names = await backedUpCollections(db);
  let documents = 0;
  for (const name of names) documents += await writeCollection(db, name, writer);
  await writeRecord(writer, recordType.archiveEnd, bsonOf({ collections: names.length, documents }));
  await writer.finish();
  return { collections: names.length, documents, archiveBytes: writer.bytesWritten };
}

export async function backedUpCollections(db: Db): Promise<string[]> {
  const listed = await db.listCollections({}, { nameOnly: true }).toArray();
  return listed.map((entry) => entry.name).filter((name) => !name.startsWith('system.') && !collectionsNotBackedUp.has(name)).sort();
}

async function writeCollection(db: Db, name: string, writer: ArchiveWriter): Promise<number> {
  const collection = db.collection(name);
  const indexes = (await collection.indexes()).filter((index) => index.name !== '_id_').map(indexSpecOf);
  await writeRecord(writer, recordType.collection, bsonOf({ name, indexes }));
  let count = 0;
  // raw: each document's BSON exactly as the server sent it, never turned into JavaScript values and back.
  for await (const raw of collection.find({}, { raw: true, batchSize: 64 })) {
    await writeRecord(writer, recordType.document, raw as unknown as Buffer);
    count += 1;
  }
  await writeRecord(writer, recordType.collectionEnd, bsonOf({ name, count }));
  return count;
}

async function writeRecord(writer: ArchiveWriter, type: (typeof recordType)[keyof typeof recordType], bytes: Buffer): Promise<void> {
  for (const part of encodeRecord(type, bytes)) await writer.write(part);
}

function indexSpecOf(index: Record<string, unknown>): IndexSpec {
  const spec: IndexSpec = { key: index.key as Record<string, unknown>, name: String(index.name) };
  for (const option of ['unique', 'sparse', 'expireAfterSeconds', 'partialFilterExpression'] as const) {
    if (index[option] !== undefined) (spec as unknown as Record<string, unknown>)[option] = index[option];
  }
  return spec;
}

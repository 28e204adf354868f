/**
 * `npm run restore`: loads a backup archive into an empty database. The
 * whole archive is read and authenticated first, record by record, without
 * writing anything (a wrong key, a damaged or altered archive, or one cut
 * short is refused there); only then is it read again and loaded, the
 * documents exactly as they were stored, then each collection's indexes.
 * Nothing decrypted reaches the disk but the database itself.
 */
import type { FileHandle } from 'node:fs/promises';
import type mongoose from 'mongoose';
import { ArchiveRefusedError, openArchiveChunks } from './archive-cipher';
import { documentOf, fieldsOf, recordsOf, recordType, type ArchiveRecord, type IndexSpec } from './archive-records';
import { collectionsNotBackedUp } from './backup.service';

type Db = mongoose.mongo.Db;

export class RestoreRefusedError extends Error {
  override readonly name = 'RestoreRefusedError';
}

export interface RestoreSummary {
  collections: number;
  documents: number;
}

const batchBytes = 8 * 1024 * 1024;
const batchDocuments = 500;

export async function restoreBackup(db: Db, archive: FileHandle, backupPrivateKeyPem: string): Promise<RestoreSummary> {
  await refuseUnlessEmpty(db);
  const checked = await readAll(archive, backupPrivateKeyPem, async () => undefined);
  await refuseUnlessEmpty(db);
  const loader = new Loader(db);
  const loaded = await readAll(archive, backupPrivateKeyPem, (record) => loader.take(record));
  if (loaded.documents !== checked.documents) throw new Error('The archive changed while it was being restored.');
  return loaded;
}

/** What makes a database "not empty": a document in any collection a backup would hold. */
export async function refuseUnlessEmpty(db: Db): Promise<void> {
  const listed = await db.listCollections({}, { nameOnly: true }).toArray();
  for (const { name } of listed) {
    if (name.startsWith('system.') || collectionsNotBackedUp.has(name)) continue;
    if (await db.collection(name).findOne({}, { projection: { _id: 1 } })) {
      throw new RestoreRefusedError(`The database is not empty (collection "${name}" holds documents). A backup is restored only into an empty database.`);
    }
  }
}

/** Reads every record, checking the archive's own counts; `onRecord` sees each one after its chunk was authenticated. */
async function readAll(archive: FileHandle, key: string, onRecord: (record: ArchiveRecord) => Promise<void>): Promise<RestoreSummary> {
  let current: { name: string; count: number } | undefined;
  let collections = 0;
  let documents = 0;
  let ended = false;
  try {
    for await (const record of recordsOf(openArchiveChunks(archive, key))) {
      if (ended) throw new Error('The archive has records after its end.');
      if (record.type === recordType.collection) {
        if (current) throw new Error('A collection starts before the one before it ended.');
        current = { name: fieldsOf<{ name: string }>(record.bytes).name, count: 0 };
        collections += 1;
      } else if (record.type === recordType.document) {
        if (!current) throw new Error('A document outside any collection.');
        current.count += 1;
        documents += 1;
      } else if (record.type === recordType.collectionEnd) {
        const end = fieldsOf<{ name: string; count: number }>(record.bytes);
        if (!current || end.name !== current.name || end.count !== current.count) throw new Error(`Collection "${current?.name}" does not hold the number of documents its end says.`);
        current = undefined;
      } else {
        const end = fieldsOf<{ collections: number; documents: number }>(record.bytes);
        if (current || end.collections !== collections || end.documents !== documents) throw new Error('The archive does not hold what its end says.');
        ended = true;
      }
      await onRecord(record);
    }
  } catch (error) {
    if (error instanceof ArchiveRefusedError || error instanceof LoadError) throw error;
    throw new ArchiveRefusedError(`The archive content is malformed: ${(error as Error).message}`);
  }
  if (!ended) throw new ArchiveRefusedError('The archive has no end record: it is incomplete.');
  return { collections, documents };
}

export class LoadError extends Error {
  override readonly name = 'LoadError';
}

/** Inserts documents in batches, then creates each collection's indexes once its documents are in. */
class Loader {
  private name = '';
  private indexes: IndexSpec[] = [];
  private batch: Record<string, unknown>[] = [];
  private bytes = 0;

  constructor(private readonly db: Db) {}

  async take(record: ArchiveRecord): Promise<void> {
    try {
      if (record.type === recordType.collection) {
        const fields = fieldsOf<{ name: string; indexes: IndexSpec[] }>(record.bytes);
        this.name = fields.name;
        this.indexes = fields.indexes;
        // An empty database may already have the collection (a portal started on it once made its indexes).
        const existing = await this.db.listCollections({ name: this.name }, { nameOnly: true }).toArray();
        if (existing.length === 0) await this.db.createCollection(this.name);
      } else if (record.type === recordType.document) {
        this.batch.push(documentOf(record.bytes));
        this.bytes += record.bytes.length;
        if (this.bytes >= batchBytes || this.batch.length >= batchDocuments) await this.flush();
      } else if (record.type === recordType.collectionEnd) {
        await this.flush();
        await this.createMissingIndexes();
      }
    } catch (error) {
      throw new LoadError(`Restoring collection "${this.name}" failed: ${(error as Error).message}`);
    }
  }

  // Only those not there yet: FerretDB closes the connection on a createIndexes naming an existing index.
  private async createMissingIndexes(): Promise<void> {
    const collection = this.db.collection(this.name);
    const present = new Set((await collection.indexes()).map((index) => index.name));
    const missing = this.indexes.filter((index) => !present.has(index.name));
    if (missing.length > 0) await collection.createIndexes(missing as never);
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    await this.db.collection(this.name).insertMany(this.batch, { ordered: true });
    this.batch = [];
    this.bytes = 0;
  }
}

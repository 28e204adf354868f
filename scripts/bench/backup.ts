/**
 * Time and size of a backup, and of its restore, at 10,000 cases on the
 * embedded database (SQLite): cases seeded as bench:scale seeds them, three
 * events and a message each, and evidence files for some of them.
 *
 *   npm run bench:backup -- [cases=10000] [files=1000] [fileKb=200]
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { writeBackup } from '../../server/backup/backup.service';
import { restoreBackup } from '../../server/backup/restore.service';
import { Attachment } from '../../server/cases/attachment.model';
import { Case } from '../../server/cases/case.model';
import { CaseEvent } from '../../server/cases/case-event.model';
import { CaseMessage } from '../../server/cases/case-message.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { startEmbeddedDatabase } from '../../server/lib/embedded-database';
import { currentMonth } from '../../server/oversight/months';
import { seedCases } from './oversight-seed';

async function seedItems(files: number, fileBytes: number): Promise<void> {
  const sealed = randomBytes(200);
  let [events, messages, attachments]: Record<string, unknown>[][] = [[], [], []];
  const flush = async () => {
    if (events.length === 0) return;
    await Promise.all([CaseEvent.collection.insertMany(events, { ordered: false }), CaseMessage.collection.insertMany(messages, { ordered: false })]);
    for (const attachment of attachments) await Attachment.collection.insertOne(attachment);
    [events, messages, attachments] = [[], [], []];
  };
  let index = 0;
  for await (const stored of Case.find({}, { _id: 1, receivedAt: 1 }).lean().cursor({ batchSize: 5000 })) {
    const at = new Date(stored.receivedAt);
    for (const type of ['accepted', 'assigned', 'investigating']) events.push({ _id: new mongoose.Types.ObjectId(), caseId: stored._id, at, type, actorId: 'bench', visibleToReporter: type !== 'assigned', details: {}, sealedText: null });
    messages.push({ _id: new mongoose.Types.ObjectId(), caseId: stored._id, from: 'commission', type: 'note', authorId: 'bench', at, sealedBody: sealed, attachmentIds: [] });
    if (index < files) attachments.push({ _id: new mongoose.Types.ObjectId(), caseId: stored._id, type: 'jpeg', size: fileBytes, createdAt: at, sealedBytes: randomBytes(fileBytes) });
    index += 1;
    if (events.length >= 6000) await flush();
  }
  await flush();
}

async function main(): Promise<void> {
  const [cases = 10_000, files = 1000, fileKb = 200] = process.argv.slice(2).map(Number);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-bench-backup-'));
  const database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir: path.join(dir, 'db') });
  const { publicKey, privateKey } = generateKeyPairSync('x25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  try {
    await connectDatabase(database.uri, 'bench_backup');
    await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
    await seedTaxonomy();
    const seeded = await seedCases(cases, currentMonth(), { open: Math.min(2000, cases / 5) });
    await seedItems(files, fileKb * 1024);
    process.stdout.write(`seeded ${seeded.inserted} cases, ${3 * cases} events, ${cases} messages, ${Math.min(files, cases)} files of ${fileKb} KB\n`);

    const archive = path.join(dir, 'bench.qfbackup');
    let started = performance.now();
    const summary = await writeBackup(mongoose.connection.db!, createWriteStream(archive), publicKey);
    const backupSeconds = (performance.now() - started) / 1000;
    process.stdout.write(`backup:  ${backupSeconds.toFixed(1)} s, ${summary.collections} collections, ${summary.documents} documents, archive ${(statSync(archive).size / 1048576).toFixed(1)} MiB\n`);

    await disconnectDatabase();
    await connectDatabase(database.uri, 'bench_restore');
    const handle = await open(archive, 'r');
    started = performance.now();
    const restored = await restoreBackup(mongoose.connection.db!, handle, privateKey);
    await handle.close();
    process.stdout.write(`restore: ${((performance.now() - started) / 1000).toFixed(1)} s (authenticate the whole archive, then load it and build the indexes), ${restored.documents} documents\n`);
    if (restored.documents !== summary.documents) throw new Error('restore lost documents');
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:backup failed: ${(error as Error).stack}\n`);
    process.exit(1);
  },
);

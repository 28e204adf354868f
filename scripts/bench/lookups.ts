/**
 * Lookups by _id on the embedded database, with and without the launcher's
 * lookup indexes, in the same run: seeds realistic cases (default 100,000)
 * into a fresh FerretDB on SQLite and on the PostgreSQL on 127.0.0.1 (when
 * it answers), then times Case.findById (the reporter's case once its
 * lookup is found), CaseLookup.findById (a tracking code's lookup) and a case
 * by reference (the case page: its key, then the case). Prints medians and p99.
 *
 *   npm run bench:lookups [-- CASES [RUNS]]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { CaseLookup } from '../../server/cases/case-lookup.model';
import { caseIdForReference, rememberEveryReference } from '../../server/cases/case-reference-key.model';
import { Case } from '../../server/cases/case.model';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { startEmbeddedDatabase, type EmbeddedDatabaseOptions } from '../../server/lib/embedded-database';
import { currentMonth } from '../../server/oversight/months';
import { seedCases } from './oversight-seed';
import { timings, type Timing } from './timings';

const [totalArgument, runsArgument, onlyHandler, onlyMode] = process.argv.slice(2);
const total = Number(totalArgument ?? 100_000);
const runs = Number(runsArgument ?? 50);
const postgresqlUrl = process.env.EMBEDDED_DB_POSTGRESQL_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function measure(handler: EmbeddedDatabaseOptions['handler'], lookupIndexes: boolean): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-bench-lookups-'));
  const database = await startEmbeddedDatabase({ handler, sqliteDir: path.join(dir, 'db'), postgresqlUrl: handler === 'postgresql' ? postgresqlUrl : undefined, lookupIndexes });
  const dbName = `bench_lookups_${randomBytes(3).toString('hex')}`;
  try {
    await connectDatabase(database.uri, dbName);
    await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
    await seedCases(total, currentMonth());
    const stored = await Case.find({}, { _id: 1, reference: 1 }).lean();
    const ids = stored.map((doc) => doc._id);
    await rememberEveryReference();
    await CaseLookup.insertMany(ids.map((caseId) => ({ _id: randomBytes(16).toString('hex'), caseId })), { ordered: false }).catch(() => undefined);
    const lookups = (await CaseLookup.find({}, { _id: 1 }).limit(runs).lean()).map((doc) => doc._id);
    // The launcher's first pass after the seed (it looks every second; a large table takes a few).
    await new Promise((resolve) => setTimeout(resolve, lookupIndexes ? 15_000 : 0));
    const byCase = await timings(runs, (index) => Case.findById(ids[(index * 7919) % ids.length], { reference: 1 }).lean());
    const byLookup = await timings(runs, (index) => CaseLookup.findById(lookups[index % lookups.length]).lean());
    const byReference = await timings(runs, async (index) => Case.findById(await caseIdForReference(stored[(index * 7919) % stored.length].reference)).lean());
    const label = `${handler.padEnd(10)} ${lookupIndexes ? 'with the launcher\'s index   ' : 'FerretDB\'s own indexes only'}`;
    await mongoose.connection.dropDatabase().catch(() => undefined);
    return `${label}  Case.findById ${shown(byCase)} · CaseLookup.findById ${shown(byLookup)} · case by reference ${shown(byReference)}`;
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function shown(timing: Timing): string {
  return `median ${timing.median.toFixed(1)} ms, p99 ${timing.p99.toFixed(1)} ms`;
}

async function postgresqlAnswers(): Promise<boolean> {
  try {
    const database = await startEmbeddedDatabase({ handler: 'postgresql', postgresqlUrl });
    await database.stop();
    return true;
  } catch {
    return false;
  }
}

// Each measurement in a process of its own: a fresh driver and mongoose for every database.
async function main(): Promise<void> {
  if (onlyHandler) {
    console.log(await measure(onlyHandler as EmbeddedDatabaseOptions['handler'], onlyMode === 'with'));
    return;
  }
  console.log(`${total} cases, ${runs} lookups each, on 127.0.0.1`);
  const handlers = (await postgresqlAnswers()) ? ['sqlite', 'postgresql'] : ['sqlite'];
  for (const handler of handlers) {
    for (const mode of ['without', 'with']) {
      execFileSync(process.execPath, [__filename, String(total), String(runs), handler, mode], { stdio: 'inherit' });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Appending to a long audit trail on the embedded database: seeds a chain
 * (default 200,000 entries, about what 20,000 cases leave behind) into a
 * fresh FerretDB on SQLite, then times, in the same run, recordAudit (the
 * end of the chain found by key) and the lookup the version before made for
 * every append (the entry at a seq found by filter), plus the first page of
 * the audit screen and a filtered one. Prints medians and p99.
 *
 *   npm run bench:audit [-- ENTRIES [RUNS]]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { AuditEntry, AuditHead, auditKey } from '../../server/audit/audit.model';
import { genesisHash, hashOf, recordAudit } from '../../server/audit/audit.service';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { startEmbeddedDatabase } from '../../server/lib/embedded-database';
import { searchAudit } from '../../server/staff/audit-search.service';
import { timings, type Timing } from './timings';

const [entriesArgument, runsArgument] = process.argv.slice(2);
const entries = Number(entriesArgument ?? 200_000);
const runs = Number(runsArgument ?? 15);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-bench-audit-'));
  const database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir: path.join(dir, 'db') });
  try {
    await connectDatabase(database.uri, `bench_audit_${randomBytes(3).toString('hex')}`);
    await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
    await seedChain(entries);
    await new Promise((resolve) => setTimeout(resolve, 10_000)); // the launcher's lookup index on the seeded table
    const figures: Record<string, Timing> = {
      'recordAudit (the end of the chain by key)': await timings(runs, () => recordAudit({ actor: 'system', action: 'bench.append' })),
      'the entry at a seq by filter (each append before)': await timings(runs, (index) => AuditEntry.findOne({ seq: entries - index }).lean()),
      'audit screen, first page': await timings(runs, () => searchAudit({ page: 1 })),
      'audit screen, one action (reads up to 1,000)': await timings(runs, () => searchAudit({ action: 'bench.rare', page: 1 })),
    };
    console.log(`\naudit trail of ${entries.toLocaleString('en')} entries, FerretDB on SQLite, medians and p99 in ms`);
    for (const [what, timing] of Object.entries(figures)) console.log(`  ${what.padEnd(52)} ${timing.median.toFixed(1).padStart(9)} / ${timing.p99.toFixed(1).padStart(9)}`);
  } finally {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectDatabase().catch(() => undefined);
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A valid chain written straight to the collection, keyed as recordAudit keys it. */
async function seedChain(count: number): Promise<void> {
  let prevHash = genesisHash;
  let batch: Record<string, unknown>[] = [];
  const start = Date.now() - count * 1000;
  for (let seq = 1; seq <= count; seq += 1) {
    const fields = { seq, at: new Date(start + seq * 1000), actor: 'system', action: seq % 997 === 0 ? 'bench.rare' : 'case.viewed', details: {}, prevHash };
    prevHash = hashOf(fields);
    batch.push({ _id: auditKey(seq), ...fields, hash: prevHash });
    if (batch.length === 5000) {
      await AuditEntry.collection.insertMany(batch as never[], { ordered: false });
      batch = [];
    }
  }
  if (batch.length > 0) await AuditEntry.collection.insertMany(batch as never[], { ordered: false });
  await AuditHead.create({ _id: 'audit', seq: count, keyedFrom: 1 });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

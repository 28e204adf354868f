/**
 * Oversight timings: seeds realistic cases (default 100,000 over 24 months)
 * straight into a fresh embedded FerretDB in a temporary folder, rebuilds the
 * roll-up, then times over real HTTP on 127.0.0.1 the monthly report (a
 * supervisor signed in with password and TOTP, like a person) and the public
 * figures, and for comparison one roll-up update and one filtered case list.
 * Prints medians.
 *
 *   npm run bench:oversight [-- CASES [RUNS]]
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import { createApp } from '../../server/app';
import { Case } from '../../server/cases/case.model';
import { commissionKeyId } from '../../server/cases/sealing/commission-key';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { loadConfig } from '../../server/config';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { startEmbeddedDatabase } from '../../server/lib/embedded-database';
import { createLogger } from '../../server/lib/logger';
import { currentMonth, previousMonth } from '../../server/oversight/months';
import type { CaseLike } from '../../server/cases/case-figures';
import { recordCaseChange } from '../../server/cases/case-changes';
import { foldInPendingChanges, rebuildRollup } from '../../server/oversight/rollup.service';
import { createStaffAccount } from '../../server/staff/accounts.service';
import { seedCases } from './oversight-seed';
import { StaffClient as Client } from './staff-client';

const total = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 10);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-bench-oversight-'));
  const database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir: path.join(dir, 'db') });
  try {
    await connectDatabase(database.uri, 'bench');
    await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
    await seedTaxonomy();
    const month = previousMonth(currentMonth());
    const seeded = await seedCases(total, currentMonth());
    line(`seeded ${seeded.inserted} cases (${seeded.months[0]} … ${seeded.months[seeded.months.length - 1]})`, seeded.seconds * 1000, `${Math.round(seeded.inserted / seeded.seconds)} cases/s`);
    const rebuilt = await timed(() => rebuildRollup());
    line(`roll-up rebuilt from all cases (${rebuilt.result.months.length} months)`, rebuilt.ms);

    const { client, close } = await startPortal(dir);
    try {
      const first = await timed(() => client.get(`/staff/reports/${month}`));
      line(`monthly report ${month}, first view`, first.ms);
      line(`monthly report ${month}`, median(await repeat(runs, () => client.get(`/staff/reports/${month}`))), `median of ${runs}`);
      line(`public figures ${month}`, median(await repeat(runs, () => client.get(`/figures/${month}`))), `median of ${runs}`);
      line(`one table as CSV`, median(await repeat(runs, () => client.get(`/staff/reports/${month}/units-by-outcome.csv`))), `median of ${runs}`);
      // (A scan of every case on FerretDB: not timed.)
      const open = await Case.find({ monthKey: currentMonth(), status: 'new' }).limit(runs).lean();
      line('roll-up: a move writes its pending change (recordCaseChange)', median(await repeatEach(open, (doc) => recordCaseChange({ ...doc, status: 'accepted', acceptedDate: `${currentMonth()}-01`, workingDaysToAcceptance: 1 } as unknown as CaseLike))), `median of ${open.length}`);
      line(`roll-up: folding in those ${open.length} pending changes (foldInPendingChanges)`, (await timed(() => foldInPendingChanges())).ms, 'once');
      line(`case list behind a figure (/staff/cases?month=${month}&unit=xzspj)`, median(await repeat(1, () => client.get(`/staff/cases?month=${month}&unit=xzspj`))), 'once; the queue, not oversight code');
    } finally {
      await close();
    }
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startPortal(dir: string): Promise<{ client: Client; close: () => Promise<void> }> {
  const { publicKey } = generateKeyPairSync('x25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent', COMMISSION_PUBLIC_KEY: publicKey });
  const app = createApp({ config, logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })) });
  const server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const client = new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const password = 'benchmark lanterns drift past the salt canal';
  const account = await createStaffAccount(
    { name: 'Bench supervisor', email: 'bench.supervisor@tongzhou.example', roles: ['supervisor'], password, mustChangePassword: false },
    { actor: 'system', totpSecret: config.secrets.totp, commissionKeyId: commissionKeyId(config.secrets.commissionPublicKey) },
  );
  await client.signIn(account.email, password, account.totpSecret);
  return { client, close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }) };
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

async function repeat(count: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) times.push((await timed(work)).ms);
  return times;
}

async function repeatEach<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (const item of items) times.push((await timed(() => work(item))).ms);
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function line(label: string, ms: number, note = ''): void {
  console.log(`${label.padEnd(72)} ${ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`}${note ? `  (${note})` : ''}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

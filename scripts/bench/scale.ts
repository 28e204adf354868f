/**
 * The staff pages at scale: seeds realistic cases (most closed, 2,000 still
 * open, 24 months, every unit; three timeline events and a message each)
 * into a fresh embedded FerretDB, on SQLite and
 * on the PostgreSQL on 127.0.0.1 (when it answers), at 10,000 and 100,000
 * cases, each in a process of its own; then times over real HTTP what staff
 * and reporters do, and prints medians and p99 next to each other with the
 * ratio 100k / 10k. Not part of npm test.
 *
 *   npm run bench:scale [-- SIZES [RUNS]]      e.g. -- 10000,100000 15
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import { createApp } from '../../server/app';
import { rememberEveryReference } from '../../server/cases/case-reference-key.model';
import { Case } from '../../server/cases/case.model';
import { CaseEvent } from '../../server/cases/case-event.model';
import { enterEveryCaseItem } from '../../server/cases/case-items-backfill';
import { CaseMessage } from '../../server/cases/case-message.model';
import { rebuildListings } from '../../server/cases/listings/listing-rebuild.service';
import { commissionKeyId } from '../../server/cases/sealing/commission-key';
import { deriveCaseTrackingKeys, splitTrackingCode } from '../../server/cases/sealing/tracking-code';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { loadConfig, type Config } from '../../server/config';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { startEmbeddedDatabase } from '../../server/lib/embedded-database';
import { createLogger } from '../../server/lib/logger';
import { currentMonth, previousMonth } from '../../server/oversight/months';
import { rebuildRollup } from '../../server/oversight/rollup.service';
import { createStaffAccount } from '../../server/staff/accounts.service';
import { BenchClient } from './bench-client';
import { seedCases } from './oversight-seed';
import { StaffClient } from './staff-client';
import { processCpuMs, timings, type Timing } from './timings';

const [sizesArgument, runsArgument, onlyHandler, onlySize] = process.argv.slice(2);
const sizes = (sizesArgument ?? '10000,100000').split(',').map(Number);
const runs = Number(runsArgument ?? 15);
const openCases = 2_000;
const postgresqlUrl = process.env.EMBEDDED_DB_POSTGRESQL_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
type Handler = 'sqlite' | 'postgresql';
type Figures = Record<string, Timing>;

async function measure(handler: Handler, total: number): Promise<Figures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-bench-scale-'));
  const database = await startEmbeddedDatabase({ handler, sqliteDir: path.join(dir, 'db'), postgresqlUrl: handler === 'postgresql' ? postgresqlUrl : undefined });
  const figures: Figures = {};
  try {
    const dbName = `bench_scale_${randomBytes(3).toString('hex')}`;
    await connectDatabase(database.uri, dbName);
    await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
    await seedTaxonomy();
    const config = benchConfig(dir);
    const accounts = await staffAccounts(config);
    await seedCases(total, currentMonth(), { open: openCases, assignees: [accounts.handler.id] });
    await seedTimelines();
    figures['upgrade: entries for every event, message and file (once)'] = await timings(1, () => enterEveryCaseItem());
    await rebuildRollup();
    figures['build: the staff lists from every case (the upgrade, once)'] = await timings(1, () => rebuildListings());
    await rememberEveryReference();
    figures['wait: the launcher\'s lookup indexes on every seeded table'] = await timings(1, () => lookupIndexesReady(handler, dbName));

    // What FerretDB itself spends per request (on PostgreSQL the server's own processes come on top).
    let operations = 0;
    mongoose.set('debug', () => {
      operations += 1;
    });
    const measured = async (count: number, run: (index: number) => Promise<unknown>): Promise<Timing> => {
      const [cpuBefore, operationsBefore] = [processCpuMs(database.pid), operations];
      const timing = await timings(count, run);
      const perRun = (total: number) => total / Math.max(1, timing.runs);
      return { ...timing, databaseCpuMs: perRun(processCpuMs(database.pid) - cpuBefore), databaseOperations: perRun(operations - operationsBefore) };
    };
    const { url, close } = await startPortal(config);
    try {
      const supervisor = new StaffClient(url);
      await supervisor.signIn(accounts.supervisor.email, password, accounts.supervisor.totpSecret);
      const handlerClient = new StaffClient(url);
      await handlerClient.signIn(accounts.handler.email, password, accounts.handler.totpSecret);
      const month = previousMonth(currentMonth());
      const someOpen = await Case.find({ status: 'new' }, { reference: 1 }).limit(runs).lean();
      const oldClosed = await Case.findOne({ status: 'closed' }, { reference: 1 }).lean(); // the oldest: a case from long ago

      figures['queue page 1, supervisor, default'] = await measured(runs, () => supervisor.get('/staff/cases'));
      figures['queue filtered by stage and unit'] = await measured(runs, () => supervisor.get('/staff/cases?status=investigating&unit=xzspj'));
      figures['queue overdue'] = await measured(runs, () => supervisor.get('/staff/cases?overdue=yes'));
      figures['queue, a handler\'s own cases'] = await measured(runs, () => handlerClient.get('/staff/cases'));
      figures['dashboard'] = await measured(runs, () => supervisor.get('/staff'));
      figures['case page (closed case, by reference)'] = await measured(runs, () => supervisor.get(`/staff/cases/${oldClosed!.reference}`));
      figures['month drill-down list (a report link)'] = await measured(runs, () => supervisor.get(`/staff/cases?month=${month}&unit=xzspj`));
      figures['monthly report, first view'] = await timings(1, () => supervisor.get(`/staff/reports/${month}`));
      figures['monthly report'] = await measured(runs, () => supervisor.get(`/staff/reports/${month}`));
      figures['/figures'] = await measured(runs, () => new BenchClient(url).getPage(`/figures/${month}`));
      figures['staff action (accept a new case)'] = await measured(someOpen.length, (index) => supervisor.postForm('/staff', `/staff/cases/${someOpen[index].reference}/accept`, {}));
      const codes: string[] = [];
      figures['submission (no files)'] = await measured(Math.min(runs, 5), async () => codes.push(await new BenchClient(url).submitReport([])));
      figures['tracking-code lookup'] = await measured(codes.length, (index) => new BenchClient(url).lookUp(codes[index]));
      figures['  of which one argon2id evaluation'] = await timings(codes.length, (index) => deriveCaseTrackingKeys(splitTrackingCode(codes[index]).secret, randomBytes(16), config.secrets.trackingSalt));
    } finally {
      await close();
    }
  } finally {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectDatabase().catch(() => undefined);
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

const password = 'benchmark lanterns drift past the salt canal';

/** Three events and one message per case, as a case that went through intake has: stored the old way, without entries. */
async function seedTimelines(): Promise<void> {
  const sealed = randomBytes(200);
  let events: Record<string, unknown>[] = [];
  let messages: Record<string, unknown>[] = [];
  for await (const stored of Case.find({}, { _id: 1, receivedAt: 1 }).lean().cursor({ batchSize: 5000 })) {
    const at = new Date(stored.receivedAt);
    for (const type of ['accepted', 'assigned', 'investigating']) events.push({ _id: new mongoose.Types.ObjectId(), caseId: stored._id, at, type, actorId: 'bench', visibleToReporter: type !== 'assigned', details: {}, sealedText: null });
    messages.push({ _id: new mongoose.Types.ObjectId(), caseId: stored._id, from: 'commission', type: 'note', authorId: 'bench', at, sealedBody: sealed, attachmentIds: [] });
    if (events.length >= 6000) {
      await Promise.all([CaseEvent.collection.insertMany(events, { ordered: false }), CaseMessage.collection.insertMany(messages, { ordered: false })]);
      events = [];
      messages = [];
    }
  }
  if (events.length > 0) await Promise.all([CaseEvent.collection.insertMany(events, { ordered: false }), CaseMessage.collection.insertMany(messages, { ordered: false })]);
}

function benchConfig(dir: string): Config {
  const { publicKey } = generateKeyPairSync('x25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  return loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent', COMMISSION_PUBLIC_KEY: publicKey, REPORTS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_SITE: '1000' });
}

async function staffAccounts(config: Config) {
  const context = { actor: 'system', totpSecret: config.secrets.totp, commissionKeyId: commissionKeyId(config.secrets.commissionPublicKey) };
  const create = (name: string, roles: Array<'supervisor' | 'handler'>) =>
    createStaffAccount({ name, email: `${name}@tongzhou.example`, roles, password, mustChangePassword: false }, context);
  return { supervisor: await create('bench-supervisor', ['supervisor']), handler: await create('bench-handler', ['handler']) };
}

async function startPortal(config: Config): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createApp({ config, logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })) });
  const server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

/**
 * The launcher builds its lookup indexes in the background (every second, for
 * tables created since; on PostgreSQL CONCURRENTLY, one after the other, which
 * takes a while on tables of hundreds of thousands of rows). Measuring before
 * they are all built times scans, not the portal. On PostgreSQL: until every
 * table of this database has a valid one (at most three minutes); on SQLite
 * the indexes are built in a second or two.
 */
async function lookupIndexesReady(handler: Handler, dbName: string): Promise<void> {
  if (handler === 'sqlite') {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    return;
  }
  const missing = `SELECT count(*) FROM pg_tables t WHERE t.schemaname = '${dbName}' AND t.tablename <> '_ferretdb_database_metadata'
    AND NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = t.schemaname AND i.indrelid = (quote_ident(t.schemaname) || '.' || quote_ident(t.tablename))::regclass AND c.relname LIKE '%qf_id' AND i.indisvalid)`;
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; ) {
    if (execFileSync('psql', [postgresqlUrl, '-X', '-A', '-t', '-c', missing], { encoding: 'utf8' }).trim() === '0') return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error('the launcher\'s lookup indexes were not all built within three minutes');
}

async function postgresqlAnswers(): Promise<boolean> {
  try {
    await (await startEmbeddedDatabase({ handler: 'postgresql', postgresqlUrl })).stop();
    return true;
  } catch {
    return false;
  }
}

function print(handler: Handler, bySize: Map<number, Figures>): void {
  const [small, large] = [sizes[0], sizes[sizes.length - 1]];
  console.log(`\n${handler}: ${sizes.map((size) => size.toLocaleString('en')).join(' / ')} cases (${openCases} open), medians and p99 in ms, ratio of medians ${large / 1000}k/${small / 1000}k, database operations and FerretDB CPU per request at ${large / 1000}k`);
  for (const what of Object.keys(bySize.get(small) ?? {})) {
    const cells = sizes.map((size) => bySize.get(size)?.[what]);
    const ratio = cells[0] && cells[cells.length - 1] ? (cells[cells.length - 1]!.median / cells[0]!.median).toFixed(2) : '–';
    const last = cells[cells.length - 1];
    const load = last?.databaseCpuMs === undefined ? '' : `${last.databaseOperations!.toFixed(0).padStart(4)} ops ${last.databaseCpuMs.toFixed(0).padStart(5)} ms`;
    console.log(`  ${what.padEnd(58)} ${cells.map((cell) => (cell ? `${cell.median.toFixed(1).padStart(8)} / ${cell.p99.toFixed(1).padStart(8)}` : '–')).join('   ')}   ${ratio.padStart(5)}   ${load}`);
  }
}

// Each database in a process of its own: a fresh driver, mongoose and FerretDB every time.
async function main(): Promise<void> {
  if (onlyHandler) {
    process.stdout.write(`${JSON.stringify(await measure(onlyHandler as Handler, Number(onlySize)))}\n`);
    return;
  }
  const handlers: Handler[] = (await postgresqlAnswers()) ? ['sqlite', 'postgresql'] : ['sqlite'];
  for (const handler of handlers) {
    const bySize = new Map<number, Figures>();
    for (const size of sizes) {
      const output = execFileSync(process.execPath, [__filename, String(sizes), String(runs), handler, String(size)], { encoding: 'utf8', maxBuffer: 1 << 24 });
      bySize.set(size, JSON.parse(output.trim().split('\n').pop()!) as Figures);
    }
    print(handler, bySize);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

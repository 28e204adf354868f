/**
 * Load benchmark, loopback only, about three minutes, bounded in time:
 *
 *   npm run bench        (= npm run build && node dist/scripts/bench/load.js)
 *
 * Starts a FerretDB of its own in a temporary folder and the real portal as
 * a child process (dist/server/main.js, NODE_ENV=production so views are
 * cached, logs at info as in production, MONGODB_URI pointing at that
 * FerretDB, limits set very high), with a probe preloaded that reads its
 * event-loop delay and peak memory. The load comes from this process. Each
 * figure is printed next to its baseline measured in the same run: pages
 * next to a bare node:http server, submissions and lookups next to what
 * argon2id can do on two threads; then the staff queue with 10,000 cases.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import autocannon from 'autocannon';
import { Case } from '../../server/cases/case.model';
import { trackingCodeArgon2Parameters } from '../../server/cases/sealing/tracking-code';
import { commissionKeyId } from '../../server/cases/sealing/commission-key';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { startEmbeddedDatabase } from '../../server/lib/embedded-database';
import { lookUpOnce, median, percentile, runLoops, signIn, submitOnce, type LoopResult, type TimedClient } from './load-clients';
import { rebuildListings } from '../../server/cases/listings/listing-rebuild.service';
import { cpuMsOf, startBareServer, startCanary, startPortalProcess, startSmtpSink, type PortalProcess, type ProbedProcess } from './load-processes';
import { createSupervisors, seedQueueCases } from './load-seed';
import { printTable, type Row } from './load-table';

const pageSeconds = 10;
const connections = 10;
const clients = 10;
const submitMs = 20_000;
const lookupMs = 15_000;
const argon2Ms = 5_000;
const queueCases = 10_000;
const supervisors = 5;
const staffSamples = 40;
const staffPhaseMs = 30_000;
const tenKSamples = 5;
const tenKPhaseMs = 15_000;
const watchdogMs = 280_000;
const high = '1000000';

interface Cannon {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function cannon(url: string): Promise<Cannon> {
  const result = await autocannon({ url, connections, duration: pageSeconds });
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

/** argon2id evaluations per second at the tracking-code parameters, `threads` at a time. */
async function argon2PerSecond(threads: number, durationMs: number): Promise<number> {
  const salt = randomBytes(16);
  const once = () => argon2.hash('1234567812345678', { ...trackingCodeArgon2Parameters, salt, raw: true });
  await once();
  let count = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: threads }, async () => {
    while (performance.now() - started < durationMs) {
      await once();
      count += 1;
    }
  }));
  return count / ((performance.now() - started) / 1000);
}

function perSecond(loop: LoopResult): number {
  return loop.completed / (loop.elapsedMs / 1000);
}

function say(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${line}\n`);
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    process.stderr.write('load benchmark: over its time bound, giving up\n');
    process.exit(2);
  }, watchdogMs);
  watchdog.unref();
  const started = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-load-'));
  const database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir: path.join(dir, 'db') });
  let portal: PortalProcess | undefined;
  const smtp = await startSmtpSink();
  const canary = startCanary();
  try {
    await connectDatabase(database.uri, 'bench');
    const keys = generateKeyPairSync('x25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const secrets = { session: randomBytes(32).toString('base64'), commissionPublicKey: keys.publicKey, commissionPrivateKeyPem: keys.privateKey };

    say(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${loadAverage()} (other work on the machine skews every figure)`);
    const argon2Rate = await argon2PerSecond(2, argon2Ms);
    say(`argon2id (m=19 MiB, t=2, p=1), 2 threads: ${argon2Rate.toFixed(1)}/s`);
    const bare = await startBareServer();
    const bareResult = await cannon(bare.url);
    await bare.stop();
    say(`bare node:http: ${bareResult.rps.toFixed(0)} req/s, p99 ${bareResult.p99} ms`);

    portal = await startPortalProcess(portalEnv(dir, databaseUri(database.uri, 'bench'), smtp.url, secrets));
    await warmUp(portal.url);
    say(`portal pid ${portal.pid} on ${portal.url} (child process, NODE_ENV=production)`);

    const phases = new PhaseProbe(portal, canary, database.pid);
    const home = await cannon(`${portal.url}/`);
    say(`GET /: ${home.rps.toFixed(0)} req/s, p99 ${home.p99} ms${await phases.end('GET /')}`);
    const form = await cannon(`${portal.url}/report`);
    say(`GET /report: ${form.rps.toFixed(0)} req/s, p99 ${form.p99} ms${await phases.end('GET /report')}`);

    const codes: string[] = [];
    const submissions = await runLoops(clients, submitMs, async () => {
      const { ms, code } = await submitOnce(portal!.url);
      codes.push(code);
      return ms;
    });
    say(`submissions: ${perSecond(submissions).toFixed(1)}/s, p99 ${percentile(submissions.latencies, 99).toFixed(0)} ms (${submissions.completed} done, ${submissions.failed} failed)${await phases.end('submissions')}`);
    const lookups = await runLoops(clients, lookupMs, () => lookUpOnce(portal!.url, codes[Math.floor(Math.random() * codes.length)]));
    say(`lookups: ${perSecond(lookups).toFixed(1)}/s, p99 ${percentile(lookups.latencies, 99).toFixed(0)} ms (${lookups.completed} done, ${lookups.failed} failed)${await phases.end('lookups')}`);

    const staff = await staffFigures(portal.url, secrets, codes);
    say(`staff pages and the public forms with ${queueCases} cases${await phases.end('10k cases')}`);
    const probe = await phases.overall();
    const exitCode = await portal.stop();
    portal = undefined;
    say(`portal stopped with exit code ${exitCode}; load average ${loadAverage()}; ${smtp.accepted()} notices delivered to the SMTP sink; whole run ${((Date.now() - started) / 1000).toFixed(0)} s`);

    printFigures({ bare: bareResult, home, form, argon2Rate, submissions, lookups, staff, probe });
  } finally {
    await portal?.stop();
    await disconnectDatabase().catch(() => undefined);
    await database.stop();
    await smtp.close();
    await canary.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Figures {
  bare: Cannon;
  home: Cannon;
  form: Cannon;
  argon2Rate: number;
  submissions: LoopResult;
  lookups: LoopResult;
  staff: Awaited<ReturnType<typeof staffFigures>>;
  probe: Awaited<ReturnType<PhaseProbe['overall']>>;
}

function printFigures({ bare, home, form, argon2Rate, submissions, lookups, staff, probe }: Figures): void {
  const rows: Row[] = [
    { figure: 'GET / req/s', value: home.rps, baseline: bare.rps, target: { ratioAtLeast: 0.4 } },
    { figure: 'GET / p99 ms', value: home.p99, baseline: bare.p99 },
    { figure: 'GET /report req/s', value: form.rps, baseline: bare.rps },
    { figure: 'GET /report p99 ms', value: form.p99, baseline: bare.p99 },
    { figure: 'submissions/s (10 clients)', value: perSecond(submissions), baseline: argon2Rate, target: { ratioAtLeast: 0.7 } },
    { figure: 'submission POST p99 ms', value: percentile(submissions.latencies, 99), target: { below: 500 } },
    { figure: '/track lookups/s (10 clients)', value: perSecond(lookups), baseline: argon2Rate, target: { ratioAtLeast: 0.7 } },
    { figure: '/track POST p99 ms', value: percentile(lookups.latencies, 99) },
    { figure: `queue page 1 median ms (${queueCases} cases)`, value: median(staff.queue) },
    { figure: `queue page 1 p99 ms (${staff.queue.length} samples)`, value: percentile(staff.queue, 99) },
    { figure: 'case page median ms', value: median(staff.casePage) },
    { figure: `staff sign-in median ms (${staff.signIns.length})`, value: median(staff.signIns) },
    { figure: `/track POST median ms (new case, ${queueCases} older)`, value: median(staff.lookups) },
    { figure: `submission POST median ms (${queueCases} cases)`, value: median(staff.submissions) },
    { figure: 'peak RSS MB (portal process)', value: probe.peakRssBytes / 2 ** 20, target: { below: 300 } },
    { figure: `longest event-loop delay ms (${probe.phase})`, value: probe.maxDelayMs, baseline: probe.canaryMaxDelayMs, target: { atMost: 100 } },
  ];
  printTable(rows, [
    `page loads: ${connections} connections × ${pageSeconds} s each (autocannon); errors ${home.errors + form.errors}, non-2xx ${home.non2xx + form.non2xx}`,
    `submissions ${submitMs / 1000} s and lookups ${lookupMs / 1000} s, ${clients} concurrent loops, each a new visitor (GET form, then the timed POST); failures ${submissions.failed + lookups.failed}${submissions.firstError ?? lookups.firstError ? ` (first: ${submissions.firstError ?? lookups.firstError})` : ''}`,
    `baseline for submissions and lookups: argon2id evaluations per second on 2 threads in parallel (each request costs one)`,
    `event-loop delay and RSS from inside the portal process; delay counted after start-up (per phase above), RSS is the lifetime peak (getrusage); the delay's baseline is an idle canary process's longest delay in the same phase (CPU starvation by other work shows there too)`,
    `with ${queueCases} cases: single-client medians of up to ${tenKSamples} submissions after seeding (${staff.submissions.length} here), then lookups of those new cases (FerretDB on SQLite does not push equality filters down: findOne({ lookupId }) reads the table until it finds the case, all of it when there is none, as for every new submission and every wrong code)`,
  ]);
}

/**
 * Phase by phase (each reset after it): the portal's event-loop delay next to
 * an idle canary's (what the machine alone causes), and the CPU time the
 * portal and FerretDB used.
 */
class PhaseProbe {
  private longest = { phase: 'none', maxDelayMs: 0, canaryMaxDelayMs: 0 };
  private databaseCpuMs: number;

  constructor(
    private readonly portal: PortalProcess,
    private readonly canary: ProbedProcess,
    private readonly databasePid: number,
  ) {
    this.databaseCpuMs = cpuMsOf(databasePid);
    portal.resetProbe();
    canary.resetProbe();
  }

  async end(phase: string): Promise<string> {
    const [stats, canary] = await Promise.all([this.portal.stats(), this.canary.stats()]);
    const databaseCpuMs = cpuMsOf(this.databasePid);
    const databaseUsed = databaseCpuMs - this.databaseCpuMs;
    this.databaseCpuMs = databaseCpuMs;
    this.portal.resetProbe();
    this.canary.resetProbe();
    if (stats.maxDelayMs >= this.longest.maxDelayMs) this.longest = { phase, maxDelayMs: stats.maxDelayMs, canaryMaxDelayMs: canary.maxDelayMs };
    return `\n          loop delay max ${stats.maxDelayMs.toFixed(0)} ms (idle canary ${canary.maxDelayMs.toFixed(0)} ms), p99 ${stats.p99DelayMs.toFixed(0)} ms; `
      + `RSS ${(stats.rssBytes / 2 ** 20).toFixed(0)} MB, peak ${(stats.peakRssBytes / 2 ** 20).toFixed(0)} MB; CPU portal ${(stats.cpuMs / 1000).toFixed(1)} s, FerretDB ${(databaseUsed / 1000).toFixed(1)} s`;
  }

  async overall(): Promise<{ phase: string; maxDelayMs: number; canaryMaxDelayMs: number; peakRssBytes: number }> {
    const stats = await this.portal.stats();
    return { ...this.longest, peakRssBytes: stats.peakRssBytes };
  }
}

function loadAverage(): string {
  return os.loadavg().map((value) => value.toFixed(2)).join(' ');
}

function portalEnv(dataDir: string, mongodbUri: string, smtpUrl: string, secrets: { session: string; commissionPublicKey: string }): Record<string, string> {
  return {
    NODE_ENV: 'production', LOG_LEVEL: 'info', COOKIE_SECURE: 'false', DATA_DIR: dataDir, MONGODB_URI: mongodbUri, SMTP_URL: smtpUrl,
    SESSION_SECRET: secrets.session, CSRF_SECRET: randomBytes(32).toString('base64'), CLIENT_KEY_SECRET: randomBytes(32).toString('base64'),
    TRACKING_SALT: randomBytes(16).toString('base64'), COMMISSION_PUBLIC_KEY: secrets.commissionPublicKey,
    REPORTS_PER_HOUR_PER_CLIENT: high, TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: high, TRACK_LOOKUPS_PER_HOUR_SITE: high, STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: high,
  };
}

function databaseUri(uri: string, name: string): string {
  const url = new URL(uri);
  url.pathname = `/${name}`;
  return url.toString();
}

/** First requests compile views and open database connections: not what is measured. */
async function warmUp(url: string): Promise<void> {
  for (let index = 0; index < 20; index += 1) await Promise.all([fetch(`${url}/`).then((r) => r.text()), fetch(`${url}/report`).then((r) => r.text())]);
  await submitOnce(url);
}

async function staffFigures(url: string, secrets: { session: string; commissionPublicKey: string; commissionPrivateKeyPem: string }, codes: readonly string[]) {
  const real = await Case.findOne({}, { reference: 1 }).lean();
  const seedStarted = performance.now();
  await seedQueueCases(queueCases, commissionKeyId(secrets.commissionPublicKey));
  say(`seeded ${queueCases} cases in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; ${await Case.countDocuments()} in the database`);
  // Cases written straight to the database, as an import would: the staff lists are rebuilt, as after an import.
  const listed = await rebuildListings();
  say(`staff lists rebuilt from ${listed.cases} cases`);
  const accounts = await createSupervisors(supervisors, secrets);
  const signIns: number[] = [];
  let client: TimedClient | undefined;
  for (const account of accounts) {
    const signedIn = await signIn(url, account);
    signIns.push(signedIn.ms);
    client = signedIn.client;
  }
  const queue = await timeRepeatedly(client!, '/staff/cases', staffSamples, staffPhaseMs * 0.7);
  const casePage = await timeRepeatedly(client!, `/staff/cases/${real!.reference}`, staffSamples / 2, staffPhaseMs * 0.3);
  say(`queue: median ${median(queue).toFixed(0)} ms; case page: median ${median(casePage).toFixed(0)} ms; sign-in: median ${median(signIns).toFixed(0)} ms`);
  // New cases sit behind the 10,000 in the table's order, as they would in a portal that has run for years.
  const submissions: number[] = [];
  const newCodes: string[] = [];
  const deadline = performance.now() + tenKPhaseMs;
  for (let index = 0; index < tenKSamples && (index === 0 || performance.now() < deadline); index += 1) {
    const { ms, code } = await submitOnce(url);
    submissions.push(ms);
    newCodes.push(code);
  }
  const lookups: number[] = [];
  for (const code of newCodes) lookups.push(await lookUpOnce(url, code));
  const oldCase = await lookUpOnce(url, codes[0]);
  say(`with ${queueCases} cases: submission median ${median(submissions).toFixed(0)} ms; /track lookup of a new case median ${median(lookups).toFixed(0)} ms, of one of the first cases ${oldCase.toFixed(0)} ms`);
  return { queue, casePage, signIns, lookups, submissions };
}

/** One after the other, after one unmeasured request; at most `count` times and `withinMs`. */
async function timeRepeatedly(client: TimedClient, path: string, count: number, withinMs: number): Promise<number[]> {
  const first = await client.get(path);
  if (first.status !== 200) throw new Error(`GET ${path} answered ${first.status}`);
  const times: number[] = [];
  const deadline = performance.now() + withinMs;
  while (times.length < count && performance.now() < deadline) {
    const page = await client.get(path);
    if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}`);
    times.push(page.ms);
  }
  return times;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

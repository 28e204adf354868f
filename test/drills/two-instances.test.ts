/**
 * Drill: two portal instances behind one proxy, on one database and one
 * Redis, with the same secrets. A browser's requests alternate between them:
 * the abuse limits count both together, and a staff session (with its
 * unlocked commission key) works on either.
 *
 * The limiters' Redis prefix is fixed (qf:rl:), so the drill's Redis clients
 * carry an ioredis keyPrefix of their own: every key the drill creates lives
 * under it, never touches another run's counters, and is deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/lib/logger';
import { buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { trackingCodeIn, validReport } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import { codeFor, createAccount } from '../staff/staff-helpers';
import { DrillClient } from './drill-client';
import { freePort, openForm, submitReport } from './drill-fixtures';
import { killPortal, startPortal, type PortalProcess } from './portal-process';

jest.setTimeout(60_000);

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `qf-drill-${process.pid}-${randomBytes(4).toString('hex')}:`;
const reportsPerClient = 3;
const lookupsPerClient = 4;
// As main.ts makes its client, and like main.ts the apps are built while it is still connecting.
const redisOptions = { keyPrefix, maxRetriesPerRequest: 2, enableOfflineQueue: false };
const redisA = new Redis(redisUrl, redisOptions);
const redisB = new Redis(redisUrl, redisOptions);
for (const client of [redisA, redisB]) client.on('error', () => undefined);

const first = buildTestApp(
  {
    REDIS_URL: redisUrl,
    REPORTS_PER_HOUR_PER_CLIENT: String(reportsPerClient),
    TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: String(lookupsPerClient),
    TRACK_LOOKUPS_PER_HOUR_SITE: '1000',
    STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '1000',
  },
  { redis: redisA },
);
// Same configuration, secrets included: the second instance is built from the first's config.
const second = createApp({ config: first.config, logger: createLogger('silent'), redis: redisB });
let instances: RunningServer[] = [];

beforeAll(async () => {
  const unreachable = new Promise((_, reject) => setTimeout(() => reject(new Error(`Redis is not reachable at ${redisUrl}: this drill needs it (.ci/run starts one)`)), 5_000).unref());
  await Promise.race([Promise.all([redisA, redisB].map((client) => (client.status === 'ready' ? undefined : once(client, 'ready')))), unreachable]);
  await useTestDatabase();
  await seedTaxonomy();
  instances = [await startServer(first.app), await startServer(second)];
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  const left = await drillKeys();
  if (left.length > 0) await redisA.del(...left.map((key) => key.slice(keyPrefix.length)));
  redisA.disconnect();
  redisB.disconnect();
  await dropTestDatabase();
});

/** Every Redis key this drill created (full names, prefix included). */
async function drillKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    // SCAN's pattern is not prefixed by ioredis: give the full one.
    const [next, batch] = await redisA.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

const instanceUrl = (index: number) => instances[index % 2].url;

describe('drill: two portal instances on one database and one Redis', () => {
  it('when the real portal starts with REDIS_URL set, as each instance does, then it comes up, serves the form and stops cleanly', async () => {
    // Only pages without a limiter are asked for: the real process counts under the shared qf:rl: prefix.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-drill-redis-'));
    let portal: PortalProcess | undefined;
    try {
      portal = await startPortal(dataDir, { REDIS_URL: redisUrl });
      expect((await new DrillClient(portal.url).get('/report')).status).toBe(200);
      process.kill(portal.pid, 'SIGTERM');
      expect(await portal.exited).toEqual({ code: 0, signal: null });
    } finally {
      await killPortal(portal);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('when a browser alternates between the instances, then its accepted reports are counted together and the one over the limit is refused on either', async () => {
    const reporter = new DrillClient(instanceUrl(0));
    const statuses: number[] = [];
    for (let index = 0; index < reportsPerClient + 2; index += 1) {
      // The form comes from one instance and is sent to the other: CSRF and form tokens hold across both.
      const form = await openForm(reporter, instanceUrl(index + 1));
      const answer = await submitReport(reporter, form, [], instanceUrl(index));
      statuses.push(answer.status === 200 && trackingCodeIn(answer.text) ? 200 : answer.status);
    }

    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(await Case.countDocuments()).toBe(reportsPerClient);
    expect((await drillKeys()).filter((key) => key.startsWith(`${keyPrefix}qf:rl:reports-client:`))).toHaveLength(1);
  });

  it('when a browser alternates /track lookups between the instances, then every lookup counts once and the limit holds across both', async () => {
    const reporter = new DrillClient(instanceUrl(0));
    const statuses: number[] = [];
    for (let index = 0; index < lookupsPerClient + 2; index += 1) {
      const page = await reporter.get('/track', instanceUrl(index));
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      statuses.push((await reporter.postForm('/track', { _csrf: csrf, code: '1234 5678 9012 3456' }, instanceUrl(index))).status);
    }

    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const [key] = (await drillKeys()).filter((name) => name.startsWith(`${keyPrefix}qf:rl:track-client:`));
    expect(await redisA.get(key.slice(keyPrefix.length))).toBe(String(lookupsPerClient + 2));
  });

  it('when staff sign in on one instance, then the session and its unlocked commission key work on the other, and signing out on it ends the session on both', async () => {
    const supervisor = await createAccount(first.config, { roles: ['supervisor'], commissionPrivateKeyPem: first.commissionPrivateKey });
    const { reference } = (await Case.findOne({}, { reference: 1 }).lean())!;
    const staff = new DrillClient(instanceUrl(0));

    const signInPage = await staff.get('/staff');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(signInPage.text)![1];
    expect((await staff.postForm('/staff/sign-in', { _csrf: csrf, email: supervisor.email, password: supervisor.password })).status).toBe(303);
    const signedIn = await staff.postForm('/staff/sign-in/code', { _csrf: csrf, code: codeFor(supervisor.totpSecret) });
    expect([signedIn.status, signedIn.location]).toEqual([303, '/staff']);

    const queue = await staff.get('/staff/cases', instanceUrl(1));
    expect(queue.status).toBe(200);
    expect(queue.text).toContain(reference);
    // The report text is sealed: only the commission key, unlocked at sign-in on the other instance, opens it.
    const casePage = await staff.get(`/staff/cases/${reference}`, instanceUrl(1));
    expect(casePage.status).toBe(200);
    expect(casePage.text).toContain(validReport.description);

    const dashboard = await staff.get('/staff', instanceUrl(1));
    const token = /name="_csrf" value="([^"]+)"/.exec(dashboard.text)![1];
    expect((await staff.postForm('/staff/sign-out', { _csrf: token }, instanceUrl(1))).status).toBe(303);
    // The same cookie, replayed to the first instance after sign-out, opens nothing.
    const afterwards = await staff.get('/staff/cases', instanceUrl(0));
    expect([afterwards.status, afterwards.location]).toEqual([303, '/staff']);
  });

  it('when the shared Redis cannot be reached, then a report and a lookup are answered with a code, a case page or the 503 page, never a 500', async () => {
    // A Redis that is down: nothing listens on this port (the shared one is left alone).
    const downUrl = `redis://127.0.0.1:${await freePort()}`;
    const down = new Redis(downUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false });
    down.on('error', () => undefined);
    const instance = await startServer(createApp({ config: first.config, logger: createLogger('silent'), redis: down }));
    try {
      const reporter = new DrillClient(instance.url);
      const report = await submitReport(reporter, await openForm(reporter));
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await reporter.get('/track')).text)![1];
      const lookup = await reporter.postForm('/track', { _csrf: csrf, code: '1234 5678 9012 3456' });

      const answer = (page: { status: number; text: string }) => (page.status === 200 || (page.status === 503 && page.text.includes('服务暂时不可用')) ? page.status : `${page.status} (not a code, a case page or the 503 page)`);
      expect([answer(report), answer(lookup)]).toEqual([expect.any(Number), expect.any(Number)]);
    } finally {
      await instance.close();
      down.disconnect();
    }
  });

  it('when the drill is done, then every Redis key it created carries its own prefix and can be deleted by it', async () => {
    const keys = await drillKeys();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith(`${keyPrefix}qf:rl:`))).toBe(true);
    await redisA.del(...keys.map((key) => key.slice(keyPrefix.length)));
    expect(await drillKeys()).toEqual([]);
  });
});

/**
 * Runs its own FerretDB so it can stop and restart it: the portal must
 * answer 503 while the database is away and recover by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/lib/embedded-database';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp } from '../helpers/app';
import { openReportForm, postReport, trackingCodeIn, validReport } from '../helpers/reports';

const { app } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100' });
const sqliteDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-outage-'));
let database: EmbeddedDatabase;

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

beforeAll(async () => {
  database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir });
  await connectDatabase(database.uri, 'outage');
  await seedTaxonomy();
});

afterAll(async () => {
  await disconnectDatabase();
  await database.stop();
  rmSync(sqliteDir, { recursive: true, force: true });
});

describe('database outage', () => {
  it('when the start-up work on the database is not finished, then /readyz answers 503 although the database answers', async () => {
    let startedUp = false;
    const starting = buildTestApp({}, { startedUp: () => startedUp });
    await request(starting.app).get('/readyz').expect(503, { status: 'starting' });
    startedUp = true;
    await request(starting.app).get('/readyz').expect(200, { status: 'ready', database: 'ok' });
  });

  it('when the database stops, then /readyz says so with 503 while /healthz and static pages still answer; when it returns, then the portal recovers without a restart', async () => {
    await request(app).get('/readyz').expect(200, { status: 'ready', database: 'ok' });

    const port = new URL(database.uri).port;
    await database.stop();
    const down = await request(app).get('/readyz').expect(503);
    expect(down.body).toEqual({ status: 'unavailable', database: 'unreachable' });
    await request(app).get('/healthz').expect(200);
    await request(app).get('/').expect(200);

    database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir, listen: `127.0.0.1:${port}` });
    const recovered = await waitFor(async () => (await request(app).get('/readyz')).status === 200, 20_000);
    expect(recovered).toBe(true);
  });

  it('when the database is down while a report is submitted, then the reporter gets the 503 page and no code; once it is back, the same form goes through', async () => {
    const agent = browser(app);
    const form = await openReportForm(agent);
    const before = await Case.countDocuments();
    const port = new URL(database.uri).port;
    await database.stop();

    const refused = await postReport(agent, form, validReport);
    expect(refused.status).toBe(503);
    expect(refused.text).toContain('服务暂时不可用');
    expect(trackingCodeIn(refused.text)).toBeUndefined();

    database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir, listen: `127.0.0.1:${port}` });
    await waitFor(async () => (await request(app).get('/readyz')).status === 200, 20_000);
    expect(await Case.countDocuments()).toBe(before);
    const accepted = await postReport(agent, form, validReport).expect(200);
    expect(trackingCodeIn(accepted.text)).toMatch(/^\d{20}$/);
    expect(await Case.countDocuments()).toBe(before + 1);
  });
});

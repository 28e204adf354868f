/**
 * Drill: the first reports of a year (or of a new installation) arrive
 * together. The year's reference counter does not exist yet, so every
 * submission's upsert tries to create it at the same moment.
 */
import mongoose from 'mongoose';
import { proposeCaseReference } from '../../server/cases/case-reference.service';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { trackingCodeIn, type FormPage } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import { DrillClient } from './drill-client';
import { burstLimits, openForm, runBurst, submitReport } from './drill-fixtures';

jest.setTimeout(60_000);

const reportsAtOnce = 10;
const rounds = 5;
const testApp = buildTestApp(burstLimits);
let server: RunningServer;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(testApp.app);
});

afterAll(async () => {
  await server?.close();
  await dropTestDatabase();
});

/** As on the first day of a year: no case and no reference counter yet. */
async function startOfYear(): Promise<void> {
  for (const name of ['cases', 'counters', 'attachments', 'outbox_mails']) await mongoose.connection.collection(name).deleteMany({});
}

describe('drill: the first reports of a year arrive together', () => {
  it('when ten reports arrive at once and the year has no case yet, then every reporter gets a code (no 500)', async () => {
    const statuses: number[][] = [];
    for (let round = 0; round < rounds; round += 1) {
      await startOfYear();
      const clients = Array.from({ length: reportsAtOnce }, () => new DrillClient(server.url));
      const forms: FormPage[] = await Promise.all(clients.map((client) => openForm(client)));
      const results = await runBurst(reportsAtOnce, reportsAtOnce, (index) => submitReport(clients[index], forms[index]));
      statuses.push(results.map((result) => (result.ok && trackingCodeIn(result.response.text) ? 200 : result.ok ? result.response.status : 0)));
      if (statuses.flat().some((status) => status !== 200)) break;
    }
    const failures = testApp.logLines.filter((line) => line.includes('request failed')).map((line) => JSON.parse(line).error as { name?: string; code?: unknown });
    expect({ statuses, failures }).toEqual({ statuses: Array.from({ length: rounds }, () => Array(reportsAtOnce).fill(200)), failures: [] });
  });

  it('when submissions ask for the first reference of a year at the same instant (what the burst above needs luck to catch), then each gets a reference', async () => {
    // Connections open beforehand, as in a portal that has been running: the four requests reach the database together.
    await Promise.all(Array.from({ length: 8 }, () => mongoose.connection.db!.collection('cases').countDocuments({})));
    const outcomes: string[][] = [];
    for (let round = 0; round < 3; round += 1) {
      await startOfYear();
      const proposals = await Promise.allSettled(Array.from({ length: 4 }, () => proposeCaseReference('2031')));
      outcomes.push(proposals.map((proposal) => (proposal.status === 'fulfilled' ? 'reference' : `${(proposal.reason as Error).name} ${(proposal.reason as { code?: unknown }).code}`)));
    }

    expect(outcomes).toEqual(Array.from({ length: 3 }, () => ['reference', 'reference', 'reference', 'reference']));
  });
});

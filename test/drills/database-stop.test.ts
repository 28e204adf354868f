/**
 * Drill: the database dies in the middle of a burst of submissions and
 * comes back on the same port. Every reporter either got a code for a case
 * that is complete, or the 503 page, and then the same form sent again gives
 * the code for exactly one complete case; the portal stays up and recovers
 * by itself.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Router } from 'express';
import mongoose from 'mongoose';
import { Attachment } from '../../server/cases/attachment.model';
import { sweepAbandonedAttachments } from '../../server/cases/attachment-sweep.service';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/lib/embedded-database';
import { buildTestApp } from '../helpers/app';
import { trackingCodeIn, type FormPage } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import { DrillClient } from './drill-client';
import {
  attachmentsOf, burstLimits, caseForCode, casesWithMissingFiles, codeForForm, isCodeOfForm, noisePhoto, openForm, orphanedFiles, runBurst, submitReport, waitFor,
} from './drill-fixtures';

jest.setTimeout(60_000);

const submissions = 30;
const concurrency = 10;
/**
 * The database is killed once this many answers have come back. Killed, not
 * asked to stop: on SIGTERM FerretDB drains its open connections (3 s in a
 * trial run), so the burst finished before the outage began.
 */
const stopAfter = 8;
const hourMs = 3_600_000;

const testApp = buildTestApp(burstLimits);
let driverSocketError: Error | undefined;
const replay = Router().get('/drill/driver-socket-error', () => {
  throw driverSocketError;
});
const replayApp = buildTestApp(burstLimits, { extraRoutes: replay });
const sqliteDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-drill-db-'));
let database: EmbeddedDatabase;
let server: RunningServer;
let photo: Buffer;

beforeAll(async () => {
  database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir });
  await connectDatabase(database.uri, 'drill');
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
  await seedTaxonomy();
  server = await startServer(testApp.app);
  photo = await noisePhoto();
});

afterAll(async () => {
  await server?.close();
  await disconnectDatabase();
  await database?.stop();
  rmSync(sqliteDir, { recursive: true, force: true });
});

async function restartDatabase(port: string): Promise<void> {
  database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir, listen: `127.0.0.1:${port}` });
  const ready = await waitFor(async () => (await new DrillClient(server.url).get('/readyz')).status === 200, 25_000);
  if (!ready) throw new Error('the portal did not see the database again');
}

describe('drill: the database dies during a burst of submissions', () => {
  it('when the database is killed part-way through 30 submissions and comes back on the same port, then each reporter has a code for a complete case or the 503 page and, sending the form again, the code for exactly one complete case; the portal recovers without a restart', async () => {
    const clients = Array.from({ length: submissions }, () => new DrillClient(server.url));
    const forms: FormPage[] = [];
    for (const client of clients) forms.push(await openForm(client));
    const withPhoto = (index: number) => index % 3 === 0;
    const port = new URL(database.uri).port;
    // The portal has been taking reports before (this year's reference counter exists: see first-burst.test.ts).
    const earlier = new DrillClient(server.url);
    expect((await submitReport(earlier, await openForm(earlier))).status).toBe(200);

    let answered = 0;
    let stopping: Promise<void> | undefined;
    const results = await runBurst(submissions, concurrency, async (index) => {
      const response = await submitReport(clients[index], forms[index], withPhoto(index) ? [photo] : []);
      answered += 1;
      if (answered === stopAfter) {
        process.kill(database.pid, 'SIGKILL');
        stopping = database.stop();
      }
      return response;
    });
    await stopping;
    await restartDatabase(port);

    // Every request was answered, with a code or with the 503 page, and nothing else.
    expect(results.filter((result) => !result.ok)).toEqual([]);
    const answers = results.map((result) => (result.ok ? result.response : undefined)!);
    const unexpected = answers.map((answer, index) => ({ index, status: answer.status })).filter(({ index, status }) => {
      const answer = answers[index];
      if (status === 200) return !isCodeOfForm(testApp.config.secrets.session, forms[index], trackingCodeIn(answer.text));
      return status !== 503 || !answer.text.includes('服务暂时不可用') || trackingCodeIn(answer.text) !== undefined;
    });
    const failures = testApp.logLines.filter((line) => line.includes('"status":500') && line.includes('request failed')).map((line) => JSON.parse(line).error);
    expect({ unexpected, failures }).toEqual({ unexpected: [], failures: [] });
    const accepted = answers.flatMap((answer, index) => (answer.status === 200 ? [index] : []));
    const refused = answers.flatMap((answer, index) => (answer.status === 503 ? [index] : []));
    // The drill proves nothing unless the outage hit part of the burst and spared another.
    expect(accepted.length).toBeGreaterThanOrEqual(stopAfter);
    expect(refused.length).toBeGreaterThan(0);

    for (const index of accepted) {
      const caseDocument = await caseForCode(trackingCodeIn(answers[index].text)!, testApp.config.secrets.trackingSalt);
      expect(caseDocument).not.toBeNull();
      const files = await attachmentsOf(caseDocument!);
      expect(files).toEqual({ listed: withPhoto(index) ? 1 : 0, counted: withPhoto(index) ? 1 : 0, stored: withPhoto(index) ? 1 : 0 });
    }
    // A refused report may still have been stored whole: the database can commit the case and die
    // before it answers, or before the case's lookup is written. The reporter has no code for it yet;
    // sending the same form again gives it (below). Nothing is half-stored either way.
    const storedAnyway: number[] = [];
    for (const index of refused) {
      const stored = await caseForCode(await codeForForm(testApp.config.secrets.session, forms[index]), testApp.config.secrets.trackingSalt);
      if (!stored) continue;
      storedAnyway.push(index);
      expect(await attachmentsOf(stored)).toEqual({ listed: withPhoto(index) ? 1 : 0, counted: withPhoto(index) ? 1 : 0, stored: withPhoto(index) ? 1 : 0 });
    }
    expect(await Case.countDocuments()).toBe(accepted.length + storedAnyway.length + 1);
    expect(await casesWithMissingFiles()).toEqual([]);

    // Files of refused submissions were removed at once, or go with the sweep.
    const orphansBeforeSweep = await orphanedFiles();
    await sweepAbandonedAttachments(new Date(Date.now() + 2 * hourMs));
    expect(await orphanedFiles()).toBe(0);
    expect(await Attachment.countDocuments()).toBe([...accepted, ...storedAnyway].filter(withPhoto).length);
    expect(await casesWithMissingFiles()).toEqual([]);

    // Each refused reporter who sends the same form again gets the code it always had, for one case.
    for (const index of refused) {
      const again = await submitReport(clients[index], forms[index], withPhoto(index) ? [photo] : []);
      expect(again.status).toBe(200);
      expect(trackingCodeIn(again.text)).toBe(await codeForForm(testApp.config.secrets.session, forms[index]));
    }
    expect(await Case.countDocuments()).toBe(submissions + 1);
    expect(await casesWithMissingFiles()).toEqual([]);

    // Every code opens its case on /track.
    for (const index of accepted) {
      const reporter = new DrillClient(server.url);
      const lookup = await reporter.get('/track');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(lookup.text)![1];
      const page = await reporter.postForm('/track', { _csrf: csrf, code: trackingCodeIn(answers[index].text)! });
      expect(page.status).toBe(200);
      expect(page.text).toContain('action="/track/add');
    }

    // The same process takes new reports; no request ended in a 500.
    const late = new DrillClient(server.url);
    const afterwards = await submitReport(late, await openForm(late), [photo]);
    expect(afterwards.status).toBe(200);
    expect(trackingCodeIn(afterwards.text)).toMatch(/^\d{20}$/);
    expect(testApp.logLines.filter((line) => line.includes('"status":500'))).toEqual([]);
    console.info(`drill database stop: ${accepted.length} accepted, ${refused.length} refused with 503 (${storedAnyway.length} of them stored whole before the database died, found again by sending the form again), ${orphansBeforeSweep} orphaned files swept`);
  });

  it('when the database driver lets through the raw EPIPE of a database that hung up (as mongodb 6.20 does from Connection.writeCommand), then the reporter gets the 503 page, not a 500', async () => {
    driverSocketError = await writeAfterPeerHungUp();
    expect(driverSocketError).toMatchObject({ code: 'EPIPE', message: 'This socket has been ended by the other party' });

    const replayServer = await startServer(replayApp.app);
    const answer = await new DrillClient(replayServer.url).get('/drill/driver-socket-error').finally(() => replayServer.close());

    expect(answer.status).toBe(503);
    expect(answer.text).toContain('服务暂时不可用');
  });
});

/** The error Node gives for a write to a socket whose peer has closed it: what the driver surfaced in the burst. */
async function writeAfterPeerHungUp(): Promise<Error> {
  const peer = net.createServer((socket) => socket.end());
  peer.listen(0, '127.0.0.1');
  await once(peer, 'listening');
  const socket = net.connect((peer.address() as net.AddressInfo).port, '127.0.0.1');
  socket.resume();
  await once(socket, 'end');
  const error = await new Promise<Error>((resolve) => {
    socket.once('error', resolve);
    socket.write('ping');
  });
  socket.destroy();
  peer.close();
  return error;
}

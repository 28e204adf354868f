/**
 * Drill: the real portal process (server/main.ts, its own embedded FerretDB
 * in DATA_DIR) gets SIGTERM in the middle of a burst of submissions, as it
 * would from systemd or a container runtime during a deployment.
 *
 * What "in flight" means here: a request whose last byte had reached the
 * portal's socket before SIGTERM was sent (the drill holds new requests
 * back, waits until every started one is fully sent, then signals). Those
 * must all be answered in full. Requests started after the signal may be
 * refused at the door (ECONNREFUSED, or ECONNRESET if the listener closed
 * with them in its backlog) or answered, never cut off mid-answer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Case, type CaseDocument } from '../../server/cases/case.model';
import { connectDatabase, disconnectDatabase } from '../../server/lib/db';
import { devSecretsPath, type DevSecrets } from '../../server/lib/dev-secrets';
import { startEmbeddedDatabase } from '../../server/lib/embedded-database';
import { trackingCodeIn, type FormPage } from '../helpers/reports';
import { DrillClient, requestsNotYetSent } from './drill-client';
import {
  attachmentsOf, burstLimits, caseForCode, casesWithMissingFiles, codeForForm, isCodeOfForm, noisePhoto, openForm, orphanedFiles, runBurst, submitReport, waitFor, type BurstResult,
} from './drill-fixtures';
import { childProcesses, killPortal, processExists, startPortal, type PortalProcess } from './portal-process';

jest.setTimeout(90_000);

const submissions = 24;
const concurrency = 8;
/** SIGTERM is sent once this many answers have come back. */
const signalAfter = 6;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-drill-sigterm-'));
let portal: PortalProcess | undefined;

afterAll(async () => {
  await killPortal(portal);
  await disconnectDatabase().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

function codeOf(result: BurstResult): string | undefined {
  return result.ok && result.response.status === 200 ? trackingCodeIn(result.response.text) : undefined;
}

describe('drill: SIGTERM during a burst of submissions', () => {
  it('when SIGTERM arrives mid-burst, then every request in flight is answered in full, the process exits 0 with its database, and after a restart every code given opens a complete case', async () => {
    portal = await startPortal(dataDir, burstLimits);
    const databases = childProcesses(portal.pid).filter((child) => child.name.startsWith('ferretdb'));
    expect(databases).toHaveLength(1);
    const photo = await noisePhoto(640, 480);

    const clients = Array.from({ length: submissions }, () => new DrillClient(portal!.url));
    const forms: FormPage[] = [];
    for (const client of clients) forms.push(await openForm(client));

    let answered = 0;
    let signalled: Promise<void> | undefined;
    let sigtermAt = Number.POSITIVE_INFINITY;
    const sendSigterm = async () => {
      await waitFor(async () => requestsNotYetSent() === 0, 5_000, 2);
      // Long enough for the portal to read the request heads off the sockets, far shorter than a submission.
      await new Promise((resolve) => setTimeout(resolve, 20));
      sigtermAt = Date.now();
      process.kill(portal!.pid, 'SIGTERM');
    };
    const results = await runBurst(
      submissions,
      concurrency,
      async (index) => {
        const response = await submitReport(clients[index], forms[index], index % 2 === 0 ? [photo] : []);
        answered += 1;
        if (answered === signalAfter) signalled = sendSigterm();
        return response;
      },
      async () => signalled,
    );
    const exit = await Promise.race([portal.exited, new Promise((resolve) => setTimeout(resolve, 25_000, 'still running').unref())]);

    // In flight at SIGTERM: answered in full, each with its code.
    const sentBefore = results.filter((result) => (result.ok ? result.response.sentAt : result.error.sentAt ?? Infinity) < sigtermAt);
    const inFlight = sentBefore.filter((result) => result.ok && result.response.answeredAt > sigtermAt);
    expect(sentBefore.map((result) => (result.ok ? result.response.status : result.error.code))).toEqual(sentBefore.map(() => 200));
    expect(sentBefore.every((result) => isCodeOfForm(secrets().SESSION_SECRET, forms[result.index], codeOf(result)))).toBe(true);
    // The drill proves nothing unless some requests were still being worked on when the signal came.
    expect(inFlight.length).toBeGreaterThan(0);
    // After it: refused at the door or answered in full, never cut off.
    const sentAfter = results.filter((result) => !sentBefore.includes(result));
    expect(sentAfter.filter((result) => (result.ok ? codeOf(result) === undefined : !['ECONNREFUSED', 'ECONNRESET'].includes(result.error.code ?? '')))).toEqual([]);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(portal.output.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
    expect(processExists(databases[0].pid)).toBe(false);

    const coded = results.filter((result) => codeOf(result) !== undefined);
    await checkStoredCases(coded.map((result) => codeOf(result)!), results.filter((result) => !codeOf(result)).map((result) => forms[result.index]), coded.filter((result) => result.index % 2 === 0).length);

    portal = await startPortal(dataDir, burstLimits);
    for (const result of coded) {
      const reporter = new DrillClient(portal.url);
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await reporter.get('/track')).text)![1];
      const page = await reporter.postForm('/track', { _csrf: csrf, code: codeOf(result)! });
      expect([page.status, page.text.includes('action="/track/add')]).toEqual([200, true]);
    }
    const late = new DrillClient(portal.url);
    expect(trackingCodeIn((await submitReport(late, await openForm(late), [photo])).text)).toMatch(/^\d{20}$/);
    process.kill(portal.pid, 'SIGTERM');
    expect(await portal.exited).toEqual({ code: 0, signal: null });
    console.info(`drill SIGTERM: ${inFlight.length} requests in flight at SIGTERM all answered in full, ${sentAfter.length} sent after it (${sentAfter.filter((r) => r.ok).length} answered, ${sentAfter.filter((r) => !r.ok).length} refused)`);
  });
});

function secrets(): DevSecrets {
  return JSON.parse(readFileSync(devSecretsPath(dataDir), 'utf8')) as DevSecrets;
}

/** With the portal stopped, its database is opened directly: what was promised is there, nothing else, nothing half-written. */
async function checkStoredCases(codes: string[], uncodedForms: FormPage[], photosPromised: number): Promise<void> {
  const database = await startEmbeddedDatabase({ handler: 'sqlite', sqliteDir: path.join(dataDir, 'db') });
  try {
    await connectDatabase(database.uri, 'qingfeng');
    const salt = Buffer.from(secrets().TRACKING_SALT, 'base64');
    for (const code of codes) {
      const caseDocument = await caseForCode(code, salt);
      expect(caseDocument).not.toBeNull();
      const files = await attachmentsOf(caseDocument!);
      expect(files.stored).toBe(files.listed);
    }
    for (const form of uncodedForms) expect(await caseForCode(await codeForForm(secrets().SESSION_SECRET, form), salt)).toBeNull();
    expect(await Case.countDocuments()).toBe(codes.length);
    expect(await casesWithMissingFiles()).toEqual([]);
    expect(await orphanedFiles()).toBe(0);
    const filesStored = (await Promise.all((await Case.find({}).lean<CaseDocument[]>()).map((found) => attachmentsOf(found)))).reduce((sum, files) => sum + files.stored, 0);
    expect(filesStored).toBe(photosPromised);
  } finally {
    await disconnectDatabase();
    await database.stop();
  }
}

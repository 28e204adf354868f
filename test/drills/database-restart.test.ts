/**
 * Drill: the real portal process loses its embedded FerretDB (killed, as an
 * out-of-memory killer would). The portal starts it again on the same
 * address, logs the event without content, and recovers by itself: reports
 * are accepted again and the cases stored before are all still there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trackingCodeIn } from '../helpers/reports';
import { DrillClient } from './drill-client';
import { burstLimits, openForm, submitReport, waitFor } from './drill-fixtures';
import { childProcesses, killPortal, startPortal, type PortalProcess } from './portal-process';

jest.setTimeout(90_000);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-drill-db-restart-'));
let portal: PortalProcess | undefined;

afterAll(async () => {
  await killPortal(portal);
  rmSync(dataDir, { recursive: true, force: true });
});

const databaseOf = (pid: number) => childProcesses(pid).find((child) => child.name.startsWith('ferretdb'));

/** Whether the code opens its case (the page with the form to add information). */
async function opensCase(url: string, code: string): Promise<boolean> {
  const client = new DrillClient(url);
  const form = await client.get('/track');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
  const page = await client.postForm('/track', { _csrf: csrf, code });
  return page.status === 200 && page.text.includes('action="/track/add');
}

describe('drill: the embedded database dies under the portal', () => {
  it('when FerretDB is killed, then the portal starts it again, logs only the event, and answers reports and codes again without a restart', async () => {
    portal = await startPortal(dataDir, burstLimits);
    const before = new DrillClient(portal.url);
    const earlier = trackingCodeIn((await submitReport(before, await openForm(before))).text)!;
    expect(earlier).toMatch(/^\d{20}$/);

    const first = databaseOf(portal.pid)!;
    process.kill(first.pid, 'SIGKILL');
    const restarted = await waitFor(async () => {
      const now = databaseOf(portal!.pid);
      return now !== undefined && now.pid !== first.pid && (await new DrillClient(portal!.url).get('/readyz')).status === 200;
    }, 45_000, 250);
    expect(restarted).toBe(true);

    const after = new DrillClient(portal.url);
    const answer = await waitFor(async () => trackingCodeIn((await submitReport(after, await openForm(after))).text) !== undefined, 30_000, 500);
    expect(answer).toBe(true);
    expect(await opensCase(portal.url, earlier)).toBe(true);

    const log = portal.output.join('\n');
    expect(log).toContain('embedded database stopped; starting it again');
    expect(log).toContain('embedded database started again');
    expect(portal.running()).toBe(true);
  });
});

/**
 * A purge killed half-way: a real child process runs the purge job and is
 * killed (SIGKILL) right after one of its steps. Before the case is marked
 * purged it is whole (its code still opens it, with its text); from then on
 * it is purged to every reader (not found for its code, "purged" for staff),
 * never half. The next run completes it: nothing sealed of it remains, the
 * audit shows one purge, and the monthly report is unchanged.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { AuditEntry } from '../../server/audit/audit.model';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { projectRoot } from '../../server/lib/paths';
import { translator } from '../../server/lib/i18n';
import { CaseRetention } from '../../server/retention/retention.model';
import { addMonths } from '../../server/cases/deadlines';
import { runPurgeJob } from '../../server/retention/purge-job.service';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase, openReportForm, postReport, storedCaseOfPage, trackingCodeIn, validReport } from '../helpers/reports';
import { lookUp } from '../helpers/tracking';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';

const testApp = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
const { app, config } = testApp;
const t = translator('zh');
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(app, accounts);
const publicKeyFile = `/tmp/qingfeng-purge-key-${process.pid}.pem`;
const jobConfig = { archiveDir: config.retention.archiveDir, commissionPublicKey: config.secrets.commissionPublicKey };
const afterTheYear = addMonths(chinaDateOf(new Date()), 13);
let dbName: string;

beforeAll(async () => {
  dbName = await useTestDatabase();
  await seedTaxonomy();
  rmSync(config.retention.archiveDir, { recursive: true, force: true });
  writeFileSync(publicKeyFile, config.secrets.commissionPublicKey);
  accounts.intake = await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: testApp.commissionPrivateKey });
  accounts.supervisor = await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: testApp.commissionPrivateKey });
});
afterAll(async () => {
  rmSync(publicKeyFile, { force: true });
  await dropTestDatabase();
});

async function act(path: string, fields: Record<string, string> = {}) {
  const agent = await staff('intake');
  await agent.post(path).type('form').send({ _csrf: await csrfTokenFrom(agent, '/staff'), ...fields }).expect(303);
}

async function closedDeclinedCase(marker: string) {
  const reporter = browser(app);
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, description: `${validReport.description}${marker}` }).expect(200);
  const reference = (await storedCaseOfPage(page.text))!.reference;
  await act(`/staff/cases/${reference}/reply`, { text: `已收悉。${marker}` });
  await act(`/staff/cases/${reference}/decline`, { reason: '不属于受理范围。' });
  await act(`/staff/cases/${reference}/close`);
  return { code: trackingCodeIn(page.text)!, reference };
}

function purgeKilledAfter(step: string) {
  const child = spawnSync(process.execPath, ['-r', path.join(projectRoot, 'test/drills/transpile-on-require.js'), path.join(projectRoot, 'test/retention/purge-child.ts'), dbName, config.retention.archiveDir, publicKeyFile, afterTheYear, step], { env: process.env, encoding: 'utf8', timeout: 60_000 });
  return child;
}

describe('a purge interrupted half-way', () => {
  it.each([
    ['archived', 'whole'],
    ['items', 'purged'],
    ['audited', 'purged'],
  ])('when the process is killed right after the step "%s", then the case is %s, never half, and the next run completes the purge', async (step, seen) => {
    const marker = `KILL-${step.toUpperCase()}-4410`;
    const { code, reference } = await closedDeclinedCase(marker);
    const month = chinaDateOf(new Date()).slice(0, 7);
    const supervisor = await staff('supervisor');
    const reportBefore = (await supervisor.get(`/staff/reports/${month}/trend.csv`).expect(200)).text;

    const child = purgeKilledAfter(step);
    expect([child.signal, child.stdout]).toEqual(['SIGKILL', '']);
    const caseId = (await Case.findOne({ reference }, { _id: 1 }).lean())!._id.toString();
    expect((await CaseRetention.findById(caseId).lean())!.state).toBe('purging');

    const tracked = await lookUp(browser(app), code);
    const casePage = await supervisor.get(`/staff/cases/${reference}`).expect(200);
    if (seen === 'whole') {
      expect(tracked.status).toBe(200);
      expect(tracked.text).toContain(marker);
      expect(casePage.text).toContain(marker);
    } else {
      expect(tracked.text).toContain(t('tracking.lookup.notFound'));
      expect(casePage.text).not.toContain(marker);
      expect(casePage.text).toContain(reference);
    }

    // The killed process still holds the case's lock, which others may take over after 30 s; the test does not wait.
    expect((await mongoose.connection.db!.collection('locks').deleteOne({ _id: `case-move:${caseId}` } as never)).deletedCount).toBe(1);
    const next = await runPurgeJob(jobConfig, afterTheYear);
    expect(next.resumed).toBe(1);
    expect((await CaseRetention.findById(caseId).lean())!.state).toBe('purged');
    expect((await lookUp(browser(app), code)).text).toContain(t('tracking.lookup.notFound'));
    const dump = await dumpDatabase();
    expect(dump).not.toContain(marker);
    expect(dump).not.toContain(code);
    const purges = await AuditEntry.countDocuments({ action: 'case.purged', caseRef: reference });
    // Killed after its audit entry and before it was marked done, a purge is audited again when completed.
    expect(purges).toBe(step === 'audited' ? 2 : 1);
    expect((await supervisor.get(`/staff/reports/${month}/trend.csv`).expect(200)).text).toBe(reportBefore);
    expect(await runPurgeJob(jobConfig, afterTheYear)).toEqual({ resumed: 0, purged: 0, held: 0, codesExpired: 0 });
  });
});

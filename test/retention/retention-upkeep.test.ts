/**
 * The rest of retention's upkeep: a released hold lets the job purge the
 * case; a closed case's tracking code expires after the idle period while
 * the case stays; cases closed before retention existed are scheduled by the
 * one upgrade pass, by the day of their closing event; and `archive:open`
 * reads a purged case's archive with the commission key (another key opens nothing).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import { AuditEntry } from '../../server/audit/audit.model';
import { CaseEvent } from '../../server/cases/case-event.model';
import { CaseItem } from '../../server/cases/case-items.model';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { projectRoot } from '../../server/lib/paths';
import { translator } from '../../server/lib/i18n';
import { archivePath, openArchive } from '../../server/retention/case-archive';
import { CommissionKeyMismatchError } from '../../server/cases/sealing/commission-key';
import { runPurgeJob } from '../../server/retention/purge-job.service';
import { CaseRetention } from '../../server/retention/retention.model';
import { addMonths } from '../../server/cases/deadlines';
import { scheduleAlreadyClosedCases } from '../../server/retention/retention-upgrade';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOfPage, trackingCodeIn, validReport } from '../helpers/reports';
import { lookUp } from '../helpers/tracking';
import { caseDocument } from '../oversight/oversight-fixtures';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';

const testApp = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100', TRACKING_CODE_EXPIRY_MONTHS: '6' });
const { app, config } = testApp;
const t = translator('zh');
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(app, accounts);
const jobConfig = { archiveDir: config.retention.archiveDir, commissionPublicKey: config.secrets.commissionPublicKey };
const today = chinaDateOf(new Date());
const keyFile = `/tmp/qingfeng-archive-key-${process.pid}.pem`;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  rmSync(config.retention.archiveDir, { recursive: true, force: true });
  accounts.admin = await createAccount(config, { roles: ['admin'] });
  accounts.intake = await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: testApp.commissionPrivateKey });
});
afterAll(async () => {
  rmSync(keyFile, { force: true });
  await dropTestDatabase();
});

async function post(name: string, to: string, fields: Record<string, string> = {}) {
  const agent = await staff(name);
  return agent.post(to).type('form').send({ _csrf: await csrfTokenFrom(agent, '/staff'), ...fields });
}

async function closedDeclinedCase(marker: string) {
  const reporter = browser(app);
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, description: `${validReport.description}${marker}` }).expect(200);
  const reference = (await storedCaseOfPage(page.text))!.reference;
  expect((await post('intake', `/staff/cases/${reference}/decline`, { reason: '不属于受理范围。' })).status).toBe(303);
  expect((await post('intake', `/staff/cases/${reference}/close`)).status).toBe(303);
  return { code: trackingCodeIn(page.text)!, reference };
}

describe('retention upkeep', () => {
  it('when a closed case\'s code has had no activity for the idle period, then it gets the not-found answer, the case itself stays and the audit says so', async () => {
    const { code, reference } = await closedDeclinedCase('IDLE-2231');
    expect(await runPurgeJob(jobConfig, addMonths(today, 5))).toMatchObject({ codesExpired: 0 });
    expect((await lookUp(browser(app), code)).status).toBe(200);
    expect(await runPurgeJob(jobConfig, addMonths(today, 6))).toEqual({ resumed: 0, purged: 0, held: 0, codesExpired: 1 });
    const page = await lookUp(browser(app), code);
    expect(page.text).toContain(t('tracking.lookup.notFound'));
    expect(page.text).not.toContain('IDLE-2231');
    expect((await Case.findOne({ reference }).lean())!.sealed!.report).toBeTruthy();
    expect(await AuditEntry.findOne({ action: 'case.codeExpired', caseRef: reference }).lean()).toMatchObject({ actor: 'system' });
  });

  it('when a hold is released, then the next run purges the case whose period has ended, and the release is audited with its reason', async () => {
    const { reference } = await closedDeclinedCase('HOLD-8812');
    expect((await post('admin', '/staff/admin/retention/hold', { reference, reason: 'archives' })).status).toBe(303);
    const lateEnough = addMonths(today, 13);
    const caseId = String((await Case.findOne({ reference }, { _id: 1 }).lean())!._id);
    expect(await runPurgeJob(jobConfig, lateEnough)).toMatchObject({ held: 1 });
    expect((await CaseRetention.findById(caseId).lean())!.state).toBe('scheduled');
    const released = await post('admin', '/staff/admin/retention/release', { reference, reason: 'other' });
    expect([released.status, released.headers.location]).toEqual([303, '/staff/admin/retention?done=release']);
    expect(await AuditEntry.findOne({ action: 'case.released', caseRef: reference }).lean()).toMatchObject({ actor: accounts.admin.id, details: { reason: 'other' } });
    expect(await runPurgeJob(jobConfig, lateEnough)).toMatchObject({ purged: 1, held: 0 });
    expect((await CaseRetention.findById(caseId).lean())!.state).toBe('purged');
    const again = await post('admin', '/staff/admin/retention/hold', { reference, reason: 'archives' });
    expect(again.status).toBe(409);
    expect(again.text).toContain(t('retention.errors.purged'));
  });

  it('when cases were closed before retention existed, then the upgrade pass schedules each by the day of its closing event (or today without one), once', async () => {
    const withEvent = caseDocument({ month: '2024-01', unit: 'xzspj', status: 'closed', decision: 'declined' });
    const withoutEvent = caseDocument({ month: '2024-02', unit: 'xzspj', status: 'closed', decision: 'declined' });
    await Case.collection.insertMany([withEvent, withoutEvent] as never[]);
    const eventId = new Types.ObjectId();
    const closedAt = new Date('2024-03-05T04:00:00Z');
    await CaseEvent.create({ _id: eventId, caseId: withEvent._id, at: closedAt, type: 'closed', actorId: 'x', visibleToReporter: true, details: {} });
    await CaseItem.create({ _id: `${String(withEvent._id)}:0`, kind: 'event', itemId: eventId, at: closedAt });
    const before = await CaseRetention.countDocuments();
    expect(await scheduleAlreadyClosedCases()).toBe(2);
    expect(await CaseRetention.countDocuments()).toBe(before + 2);
    expect((await CaseRetention.findById(String(withEvent._id)).lean())).toMatchObject({ closedDate: '2024-03-05', retentionClass: 'declined', state: 'scheduled' });
    expect((await CaseRetention.findById(String(withoutEvent._id)).lean())!.closedDate).toBe(today);
    expect(await scheduleAlreadyClosedCases()).toBe(0);
    const figures = async () => (await browser(app).get('/figures/2024-01').expect(200)).text.replace(/name="_csrf" value="[^"]+"/g, '');
    const figuresBefore = await figures();
    expect(figuresBefore).toContain('2024');
    // The one closed in March 2024 is long due under the default year for declined cases.
    const run = await runPurgeJob(jobConfig, today);
    expect(run.purged).toBe(1);
    expect((await Case.findById(withEvent._id).lean())!.purgedDate).toBe(today);
    expect((await Case.findById(withoutEvent._id).lean())!.purgedDate ?? null).toBeNull();
    expect(await figures()).toBe(figuresBefore);
  });

  it('when archive:open is given a purged case\'s archive and the commission key, then it prints the report; with another key it refuses', async () => {
    const { reference } = await closedDeclinedCase('ARCHIVE-6604');
    await runPurgeJob(jobConfig, addMonths(today, 13));
    const file = archivePath(config.retention.archiveDir, reference);
    writeFileSync(keyFile, testApp.commissionPrivateKey, { mode: 0o600 });
    const command = [path.join(projectRoot, 'test/drills/transpile-on-require.js'), path.join(projectRoot, 'scripts/open-archive.ts'), '--file', file, '--key', keyFile];
    const printed = JSON.parse(execFileSync(process.execPath, ['-r', ...command], { encoding: 'utf8' })) as { reference: string; report: { description: string } };
    expect(printed.reference).toBe(reference);
    expect(printed.report.description).toContain('ARCHIVE-6604');
    const otherKey = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => openArchive(file, otherKey)).toThrow(CommissionKeyMismatchError);
  });
});

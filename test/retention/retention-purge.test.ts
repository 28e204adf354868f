/**
 * Retention end to end, over HTTP as staff and reporters use it: with one
 * year set for declined cases, a case closed 13 months ago (the retention
 * clock moved on) is listed a month ahead and purged by the job; afterwards
 * its code gets the ordinary not-found answer, no sealed data of it remains
 * in any collection, its month's report and /figures are byte-identical,
 * the audit trail shows the purge, the sealed archive opens with the
 * commission key, and a case on hold survives with its code.
 */
import { existsSync, rmSync } from 'node:fs';
import sharp from 'sharp';
import { AuditEntry } from '../../server/audit/audit.model';
import { Attachment } from '../../server/cases/attachment.model';
import { CaseEvent } from '../../server/cases/case-event.model';
import { CaseMessage } from '../../server/cases/case-message.model';
import { Case } from '../../server/cases/case.model';
import { caseDataKey, readReport } from '../../server/cases/case-content.service';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { translator } from '../../server/lib/i18n';
import { archivePath, openArchive } from '../../server/retention/case-archive';
import { runPurgeJob } from '../../server/retention/purge-job.service';
import { setRetentionClock } from '../../server/retention/retention-rules';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase, openReportForm, postReport, storedCaseOfPage, trackingCodeIn, validReport } from '../helpers/reports';
import { lookUp } from '../helpers/tracking';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';

const testApp = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100', RETENTION_MONTHS: 'declined=36' });
const { app, config } = testApp;
const t = translator('zh');
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(app, accounts);
const dayMs = 86_400_000;
const jobConfig = { archiveDir: config.retention.archiveDir, commissionPublicKey: config.secrets.commissionPublicKey };

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  rmSync(config.retention.archiveDir, { recursive: true, force: true });
  const key = testApp.commissionPrivateKey;
  accounts.admin = await createAccount(config, { roles: ['admin'] });
  accounts.intake = await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: key });
  accounts.supervisor = await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
});
afterAll(async () => {
  setRetentionClock(null);
  await dropTestDatabase();
});

async function post(name: string, path: string, fields: Record<string, string>) {
  const agent = await staff(name);
  return agent.post(path).type('form').send({ _csrf: await csrfTokenFrom(agent, '/staff'), ...fields });
}

async function declinedAndClosed(marker: string): Promise<{ code: string; reference: string }> {
  const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#5a7' } }).jpeg().toBuffer();
  const reporter = browser(app);
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, description: `${validReport.description}${marker}` }, [{ bytes: photo, filename: 'p.jpg', contentType: 'image/jpeg' }]).expect(200);
  const reference = (await storedCaseOfPage(page.text))!.reference;
  expect((await post('intake', `/staff/cases/${reference}/reply`, { text: `已收悉。REPLY-${marker}` })).status).toBe(303);
  expect((await post('intake', `/staff/cases/${reference}/decline`, { reason: `不属于受理范围。REASON-${marker}` })).status).toBe(303);
  expect((await post('intake', `/staff/cases/${reference}/close`, {})).status).toBe(303);
  return { code: trackingCodeIn(page.text)!, reference };
}

/**
 * The page as served, but for what is fresh on every response by design: the
 * CSRF token of its language switch, and the monthly report's audit anchor
 * (the entry recording that very view, lifecycle/).
 */
function pageBytes(page: { text: string }): string {
  const tokens = page.text.match(/name="_csrf" value="[^"]+"/g) ?? [];
  expect(tokens.length).toBeLessThanOrEqual(2);
  return page.text
    .replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""')
    .replace(/<code class="audit-anchor-value">[0-9a-f]+@\d+<\/code>/, '<code class="audit-anchor-value"></code>')
    .replace(/(<section class="audit-anchor"[\s\S]*?<p>)[^<]*(<\/p>)/, '$1$2');
}

/** Every sealed value a case holds (report, identity, keys, message bodies, files, event texts), base64. */
async function sealedValuesOf(reference: string): Promise<string[]> {
  const stored = (await Case.collection.findOne({ reference }))!;
  const caseId = stored._id;
  const b64 = (value: unknown) => Buffer.from((value as { buffer: Uint8Array }).buffer ?? (value as Buffer)).toString('base64');
  const values = [b64(stored.sealed.report), stored.keys.wrappedForReporter, stored.keys.sealedForCommission.box];
  if (stored.sealed.identity) values.push(b64(stored.sealed.identity));
  for (const message of await CaseMessage.collection.find({ caseId }).toArray()) values.push(b64(message.sealedBody));
  for (const file of await Attachment.collection.find({ caseId }).toArray()) values.push(b64(file.sealedBytes));
  for (const event of await CaseEvent.collection.find({ caseId }).toArray()) if (event.sealedText) values.push(b64(event.sealedText));
  return values;
}

describe('retention and purge', () => {
  it('when one year is set for declined cases and a declined case closed 13 months ago, then it is listed a month ahead, purged by the job and gone for good, while its figures stay byte-identical and a held case survives', async () => {
    const rules = await post('admin', '/staff/admin/retention/rules', { declined: '12', transferred: '12', notSubstantiated: '36', partlySubstantiated: '60', substantiated: '60', other: '36', codeExpiryMonths: '24' });
    expect([rules.status, rules.headers.location]).toEqual([303, '/staff/admin/retention?done=rules']);
    expect(await AuditEntry.findOne({ action: 'retention.rulesChanged' }).lean()).toMatchObject({ actor: accounts.admin.id, details: { declined: 12, changed: ['declined'] } });

    const purged = await declinedAndClosed('P-7731');
    const held = await declinedAndClosed('H-5518');
    expect((await post('admin', '/staff/admin/retention/hold', { reference: held.reference, reason: 'litigation' })).status).toBe(303);
    expect(await AuditEntry.findOne({ action: 'case.held', caseRef: held.reference }).lean()).toMatchObject({ details: { reason: 'litigation' } });
    const settings = (await (await staff('admin')).get('/staff/admin/retention?done=hold').expect(200)).text;
    expect(settings).toContain(t('retention.done.hold'));
    expect(settings).toMatch(/id="declined" name="declined" maxlength="3" value="12"/);
    expect(settings).toContain(`<input type="hidden" name="reference" value="${held.reference}">`);

    const supervisor = await staff('supervisor');
    const month = chinaDateOf(new Date()).slice(0, 7);
    const reportBefore = pageBytes(await supervisor.get(`/staff/reports/${month}`).expect(200));
    const figuresBefore = pageBytes(await browser(app).get('/figures').expect(200));
    const csvBefore = (await supervisor.get(`/staff/reports/${month}/trend.csv`).expect(200)).text;
    const sealed = await sealedValuesOf(purged.reference);
    expect(sealed.length).toBeGreaterThan(5);

    const closedAt = Date.now();
    setRetentionClock(() => new Date(closedAt + 350 * dayMs));
    const upcoming = (await supervisor.get('/staff/retention').expect(200)).text;
    expect(upcoming).toContain(`<a href="/staff/cases/${purged.reference}">`);
    expect(upcoming).toMatch(new RegExp(`held-case">${held.reference}`));
    expect(upcoming).not.toContain(`/staff/cases/${held.reference}`);
    expect(await runPurgeJob(jobConfig)).toMatchObject({ purged: 0 });

    setRetentionClock(() => new Date(closedAt + 396 * dayMs));
    expect(await runPurgeJob(jobConfig)).toEqual({ resumed: 0, purged: 1, held: 1, codesExpired: 0 });

    const unknown = await lookUp(browser(app), '12345678901234567890');
    const gone = await lookUp(browser(app), purged.code);
    expect(gone.status).toBe(unknown.status);
    expect(gone.text).toContain(t('tracking.lookup.notFound'));
    expect(gone.text).not.toContain('P-7731');

    const dump = await dumpDatabase();
    for (const value of sealed) expect(dump).not.toContain(value);
    for (const marker of ['P-7731', purged.code]) expect(dump).not.toContain(marker);

    expect(pageBytes(await supervisor.get(`/staff/reports/${month}`).expect(200))).toBe(reportBefore);
    expect(pageBytes(await browser(app).get('/figures').expect(200))).toBe(figuresBefore);
    const csv = async () => (await supervisor.get(`/staff/reports/${month}/trend.csv`)).text;
    expect(await csv()).toBe(csvBefore);

    expect(await AuditEntry.findOne({ action: 'case.purged', caseRef: purged.reference }).lean()).toMatchObject({ actor: 'system', details: { by: 'rule', retentionClass: 'declined' } });
    const casePage = await supervisor.get(`/staff/cases/${purged.reference}`).expect(200);
    expect(casePage.text).toContain(t('retention.purged.title').slice(0, 2));
    expect(casePage.text).not.toContain('REPLY-P-7731');

    const archive = openArchive(archivePath(config.retention.archiveDir, purged.reference), testApp.commissionPrivateKey);
    const archivedCase = archive.archived.case as never;
    expect(readReport(archivedCase, caseDataKey(archivedCase, testApp.commissionPrivateKey)).description).toContain('P-7731');
    expect(archive.archived.attachments).toHaveLength(1);
    expect(archive.archived.messages).toHaveLength(1);

    const survivor = await lookUp(browser(app), held.code);
    expect(survivor.status).toBe(200);
    expect(survivor.text).toContain('H-5518');
    expect(existsSync(archivePath(config.retention.archiveDir, held.reference))).toBe(false);
  });

  it('when an administrator types a period that is not a whole number of months, then the form comes back with the message beside the field, what was typed kept, nothing changed', async () => {
    const before = await AuditEntry.countDocuments({ action: 'retention.rulesChanged' });
    const refused = await post('admin', '/staff/admin/retention/rules', { declined: 'one year', transferred: '12', notSubstantiated: '36', partlySubstantiated: '60', substantiated: '60', other: '36', codeExpiryMonths: '24' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(t('retention.errors.months'));
    expect(refused.text).toContain('value="one year"');
    expect(await AuditEntry.countDocuments({ action: 'retention.rulesChanged' })).toBe(before);
  });

  it('when a hold is asked for an open case, or by someone who is not an administrator, then it is refused', async () => {
    const reporter = browser(app);
    const page = await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
    const reference = (await storedCaseOfPage(page.text))!.reference;
    const refused = await post('admin', '/staff/admin/retention/hold', { reference, reason: 'review' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(t('retention.errors.notClosed'));
    expect((await post('supervisor', '/staff/admin/retention/hold', { reference, reason: 'review' })).status).toBe(403);
    expect((await (await staff('intake')).get('/staff/retention')).status).toBe(403);
  });
});

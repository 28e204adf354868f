/**
 * A closed case the reporter objects to goes back to review (voice/): the
 * retention period of its first closure no longer applies. When that period
 * ends the case is neither listed for purging nor purged, and its code keeps
 * working; it is the next closure that starts a period. Nor is a closed case
 * purged, or its code expired, while a retaliation case the reporter follows
 * with that same code is still open.
 */
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { runPurgeJob } from '../../server/retention/purge-job.service';
import { setRetentionClock } from '../../server/retention/retention-rules';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { lookUpOk } from '../helpers/tracking';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { act, formFields, newCase, rate } from '../voice/voice-helpers';

const testApp = buildTestApp({
  REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100',
  RETENTION_MONTHS: 'declined=12', TRACKING_CODE_EXPIRY_MONTHS: '12',
});
const { app, config } = testApp;
const accounts: Record<string, TestAccount> = {};
const staff = signedInAgents(app, accounts);
const jobConfig = { archiveDir: config.retention.archiveDir, commissionPublicKey: config.secrets.commissionPublicKey };

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const key = testApp.commissionPrivateKey;
  accounts.intake = await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: key });
  accounts.supervisor = await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: key });
});
afterAll(async () => {
  setRetentionClock(null);
  await dropTestDatabase();
});

describe('a closed case reopened by an objection', () => {
  it('when its first closure’s period ends while it is under review, then it is not listed, not purged, and its code still opens it', async () => {
    const { code, reference } = await newCase(app);
    expect((await act(await staff('intake'), reference, 'decline', { reason: '不属于受理范围，已告知向有关部门反映。' })).status).toBe(303);
    expect((await act(await staff('intake'), reference, 'close')).status).toBe(303);
    expect((await rate(app, code, { level: 'dissatisfied' })).status).toBe(303);
    const agent = browser(app);
    const { csrf } = formFields((await lookUpOk(agent, code)).text, '/track/object');
    const objected = await agent.post(`/track/object?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf).field('code', code)
      .field('objection', '这件事属于纪委受理范围，请复查。REOPENED-7731');
    expect(objected.status).toBe(303);
    expect((await Case.findOne({ reference }).lean())!.status).toBe('review');

    const thirteenMonthsOn = new Date(Date.now() + 396 * 86_400_000);
    setRetentionClock(() => thirteenMonthsOn);
    const listed = await (await staff('supervisor')).get('/staff/retention').expect(200);
    expect(listed.text).not.toContain(reference);
    const run = await runPurgeJob(jobConfig);
    expect(run.purged).toBe(0);
    expect(run.codesExpired).toBe(0);

    const stored = (await Case.findOne({ reference }).lean())!;
    expect(stored.purgedDate ?? null).toBeNull();
    expect(stored.status).toBe('review');
    await lookUpOk(browser(app), code);
  });

  it('when its period ends while a retaliation case followed with its code is still open, then it is not purged and the code still opens both', async () => {
    setRetentionClock(null);
    const { code, reference } = await newCase(app);
    expect((await act(await staff('intake'), reference, 'decline', { reason: '不属于受理范围，已告知向有关部门反映。' })).status).toBe(303);
    expect((await act(await staff('intake'), reference, 'close')).status).toBe(303);
    const agent = browser(app);
    const { csrf } = formFields((await lookUpOk(agent, code)).text, '/track/retaliation');
    const told = await agent.post(`/track/retaliation?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf).field('code', code)
      .field('happened', '反映问题后，我的店铺被反复检查。LINKED-5521').field('when', '2026年11月下旬');
    expect(told.status).toBe(303);

    const thirteenMonthsOn = new Date(Date.now() + 396 * 86_400_000);
    setRetentionClock(() => thirteenMonthsOn);
    const run = await runPurgeJob(jobConfig);
    expect(run.purged).toBe(0);
    expect(run.codesExpired).toBe(0);
    expect((await Case.findOne({ reference }).lean())!.purgedDate ?? null).toBeNull();
    expect((await lookUpOk(browser(app), code)).text).toContain(translator('zh')('voice.retaliation.linkedHeading'));
  });
});

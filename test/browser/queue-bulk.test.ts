/**
 * Bulk work from the queue in a real Chromium, in both languages, on a phone
 * and a desktop: ticking two cases and assigning them to one handler shows
 * the handler on both; declining as spam without a reason comes back 422
 * with the ticks kept; with a reason the ticked new case is declined (one
 * audit entry per case), while a ticked accepted case is named back and left
 * as it was. A handler may not post the bulk form. axe checks each page;
 * screenshots go to test-output/screenshots.
 */
import type { Browser, Page } from 'playwright-core';
import { AuditEntry } from '../../server/audit/audit.model';
import { Case } from '../../server/cases/case.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { browser as httpClient, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { launchChromium, navigates, openJourney, type Language, type ViewportName } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, storedCaseOfPage, validReport } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';
import { createAccount, signIn as signInOverHttp, type TestAccount } from '../staff/staff-helpers';
import { axeViolations } from '../helpers/axe';
import { signInInBrowser } from '../helpers/staff-browser-sign-in';

const { app, config, commissionPrivateKey } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '1000' });
const runs: Array<[Language, ViewportName]> = [['zh', 'phone'], ['en', 'desktop'], ['zh', 'desktop'], ['en', 'phone']];
const spamReason = { zh: '内容为商业广告，与举报事项无关。', en: 'An advertisement, nothing to report.' } as const;

let server: RunningServer;
let chromium: Browser;
/** one intake officer per run: a second factor's code is taken once */
const intakeOf: Record<string, TestAccount> = {};
let handlerAccount: TestAccount;
const handlerName = '郑承办';
/** per language: two to assign, one to decline, one accepted (not allowed to decline) */
const casesOf: Record<string, { assign: string[]; spam: string; accepted: string }> = {};

async function newCase(): Promise<string> {
  const reporter = httpClient(app);
  const page = await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
  return (await storedCaseOfPage(page.text))!.reference;
}

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(app);
  chromium = await launchChromium();
  handlerAccount = await createAccount(config, { roles: ['handler'], name: handlerName, commissionPrivateKeyPem: commissionPrivateKey });
  const accepter = httpClient(app);
  await signInOverHttp(accepter, await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: commissionPrivateKey }));
  for (const [lang, viewport] of runs) {
    intakeOf[lang + viewport] = await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: commissionPrivateKey });
    const assign = [await newCase(), await newCase()];
    const spam = await newCase();
    const accepted = await newCase();
    const token = await csrfTokenFrom(accepter, `/staff/cases/${accepted}`);
    await accepter.post(`/staff/cases/${accepted}/accept`).type('form').send({ _csrf: token }).expect(303);
    casesOf[lang + viewport] = { assign, spam, accepted };
  }
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

function rowOf(page: Page, reference: string) {
  return page.locator('table.queue tbody tr', { has: page.locator(`a:text-is("${reference}")`) });
}

describe.each(runs)('bulk work from the queue in %s on a %s', (lang, viewport) => {
  it('when two cases are ticked and assigned, then both show the handler; a spam decline without a reason keeps the ticks; with one, the new case is declined and audited and the accepted one is named back', async () => {
    const t = translator(lang);
    const cases = casesOf[lang + viewport];
    const journey = await openJourney(chromium, { journey: 'queue-bulk', lang, viewport });
    const { page } = journey;
    const tick = (reference: string) => page.getByLabel(t('bulk.tick', { reference }), { exact: true });
    try {
      await signInInBrowser(journey, server.url, lang, intakeOf[lang + viewport]);
      await page.goto(`${server.url}/staff/cases`);
      for (const reference of cases.assign) await tick(reference).check();
      await page.getByLabel(t('bulk.fields.bulkAction'), { exact: true }).selectOption('spam');
      const refused = page.waitForResponse((response) => response.url().endsWith('/staff/cases/bulk'));
      await navigates(page, () => page.getByRole('button', { name: t('bulk.submit'), exact: true }).click());
      expect((await refused).status()).toBe(422);
      for (const reference of cases.assign) await expect(tick(reference).isChecked()).resolves.toBe(true);
      await expect(tick(cases.spam).isChecked()).resolves.toBe(false);
      await expect(page.locator('#bulk-reason-error').textContent()).resolves.toBe(t('bulk.errors.reason'));
      for (const reference of cases.assign) expect((await Case.findOne({ reference }, { status: 1 }).lean())?.status).toBe('new');
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('01-refused-ticks-kept');

      await page.getByLabel(t('bulk.fields.bulkAction'), { exact: true }).selectOption('assign');
      await page.getByLabel(t('bulk.fields.handlerId'), { exact: true }).selectOption({ label: handlerName });
      await navigates(page, () => page.getByRole('button', { name: t('bulk.submit'), exact: true }).click());
      await expect(page.locator('.bulk-result').textContent()).resolves.toContain(t('bulk.done.assign', { count: 2 }));
      for (const reference of cases.assign) await expect(rowOf(page, reference).locator('.assignee').textContent()).resolves.toBe(handlerName);
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('02-assigned');

      await tick(cases.spam).check();
      await tick(cases.accepted).check();
      await page.getByLabel(t('bulk.fields.bulkAction'), { exact: true }).selectOption('spam');
      await page.getByLabel(t('bulk.fields.reason'), { exact: true }).fill(spamReason[lang]);
      await navigates(page, () => page.getByRole('button', { name: t('bulk.submit'), exact: true }).click());
      await expect(page.locator('.bulk-result').textContent()).resolves.toContain(t('bulk.done.spam', { count: 1 }));
      await expect(page.locator('.bulk-not-allowed li').allTextContents()).resolves.toEqual([cases.accepted]);
      await expect(rowOf(page, cases.spam).locator('td').nth(5).textContent()).resolves.toBe(t('tracking.stages.declined'));
      await expect(rowOf(page, cases.accepted).locator('td').nth(5).textContent()).resolves.toBe(t('tracking.stages.accepted'));
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('03-declined-as-spam');

      const audited = [...(await AuditEntry.find({ caseRef: cases.spam }).lean()), ...(await AuditEntry.find({ caseRef: cases.accepted }).lean())];
      const actions = (reference: string) => audited.filter((entry) => entry.caseRef === reference).map((entry) => entry.action);
      expect(actions(cases.spam)).toEqual(expect.arrayContaining(['case.declined', 'case.bulkClosed']));
      expect(audited.find((entry) => entry.action === 'case.bulkClosed')?.details).toEqual({ closedAs: 'spam', cases: 2 });
      expect(actions(cases.accepted)).not.toContain('case.declined');
      expect(actions(cases.accepted)).not.toContain('case.bulkClosed');
      expect(JSON.stringify(audited)).not.toContain(spamReason[lang]);
      expect(await Case.findOne({ reference: cases.spam }, { status: 1, decision: 1 }).lean()).toMatchObject({ status: 'declined', decision: 'declined' });
    } finally {
      await journey.close();
    }
  }, 120_000);
});

describe('who may act in bulk', () => {
  it('when a handler posts the bulk form, then it is refused with 403 and nothing changes', async () => {
    const handler = httpClient(app);
    await signInOverHttp(handler, handlerAccount);
    const token = await csrfTokenFrom(handler, '/staff/cases');
    const reference = casesOf.zhphone.assign[0];
    await handler.post('/staff/cases/bulk').type('form').send({ _csrf: token, cases: reference, bulkAction: 'spam', reason: '无效信息' }).expect(403);
    expect((await Case.findOne({ reference }, { status: 1 }).lean())?.status).toBe('new');
  });

  it('when nothing is ticked, then the form comes back 422 saying so, with the reason kept', async () => {
    const officer = httpClient(app);
    await signInOverHttp(officer, await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: commissionPrivateKey }));
    const token = await csrfTokenFrom(officer, '/staff/cases');
    const page = await officer.post('/staff/cases/bulk').type('form').send({ _csrf: token, bulkAction: 'duplicate', reason: 'REASON-4410 与前案重复' }).expect(422);
    expect(page.text).toContain('id="bulk-cases-error"');
    expect(page.text).toContain('value="REASON-4410 与前案重复"');
  });

  it('when a session that cannot seal declines in bulk, then the form comes back 422 with the ticks kept and nothing changes', async () => {
    const officer = httpClient(app);
    await signInOverHttp(officer, await createAccount(config, { roles: ['intake'] }));
    const token = await csrfTokenFrom(officer, '/staff/cases');
    const reference = casesOf.zhphone.assign[1];
    const page = await officer.post('/staff/cases/bulk').type('form').send({ _csrf: token, cases: reference, bulkAction: 'spam', reason: '无效信息' }).expect(422);
    expect(page.text).toContain('id="bulk-action-error"');
    expect(page.text).toMatch(new RegExp(`id="tick-${reference}" name="cases" value="${reference}" checked`));
    expect((await Case.findOne({ reference }, { status: 1 }).lean())?.status).toBe('new');
  });
});

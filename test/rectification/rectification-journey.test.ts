/**
 * The rectification journey in a real Chromium, no JavaScript: a supervisor
 * concludes a case as substantiated and opens "建立首问负责制" for
 * 区行政审批局, due in 20 working days; the unit's liaison signs in with
 * password and one-time code using the keyboard only, sees the item, gets
 * 403 on the case, attaches a document and reports it done; an intake
 * officer verifies; the month's report shows 1 of 1 closed on time; a second
 * item past its due date is red on the dashboard and in the digest; the
 * reporter's page reads 已整改. axe finds nothing on the new pages, in both
 * languages.
 */
import type { Browser, Page } from 'playwright-core';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { translator } from '../../server/lib/i18n';
import { renderMail } from '../../server/notifications/mail-templates';
import { RectificationItem } from '../../server/rectification/rectification-item.model';
import { openItem } from '../../server/rectification/rectification-steps.service';
import { digestFor } from '../../server/triage/daily-digest.service';
import { browser as agentOf, buildTestApp } from '../helpers/app';
import { launchChromium, navigates, openJourney, focusedElement, hasVisibleFocus, type Journey } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';
import { pdfWithMetadata } from '../cases/evidence/pdf-fixtures';
import { codeFor, createAccount, signIn as signInOverHttp, type TestAccount } from '../staff/staff-helpers';
import { createLiaison, investigating, reportedCase } from './rectification-fixtures';
import { axeViolations } from '../helpers/axe';
import { signInOnPage } from '../helpers/staff-browser-sign-in';

const { app, config, commissionPrivateKey } = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100', REPORTS_PER_HOUR_PER_CLIENT: '100' });
const t = translator('zh');
const en = translator('en');
const today = chinaDateOf(new Date());
let server: RunningServer;
let chromium: Browser;
let supervisor: TestAccount;
let intake: TestAccount;
let liaison: TestAccount;
let reported: { code: string; reference: string; caseId: string };

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  supervisor = await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: commissionPrivateKey });
  intake = await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: commissionPrivateKey });
  liaison = await createLiaison(config, 'xzspj');
  reported = await reportedCase(app, { description: '首次来窗口咨询无人接待，被告知找其他窗口，来回跑了三趟。REPORTER-9120' });
  // Accepted and investigated beforehand by another supervisor; the one in the browser concludes.
  const helper = await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: commissionPrivateKey });
  const agent = agentOf(app);
  await signInOverHttp(agent, helper);
  await investigating(agent, reported.reference);
  server = await startServer(app);
  chromium = await launchChromium();
}, 60_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

/** Presses Tab until the element matching `selector` has the focus (drawn visibly), as a keyboard user would. */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let presses = 0; presses < 80; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.locator(selector).evaluate((element) => element === element.ownerDocument.activeElement)) {
      const focused = await focusedElement(page);
      expect(hasVisibleFocus(focused!)).toBe(true);
      return;
    }
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('rectification, from the conclusion to the reporter', () => {
  const journeys: Journey[] = [];
  afterAll(async () => {
    for (const journey of journeys) await journey.close();
  });
  // axe runs as a script in the page, so the staff journeys allow scripts; the reporter's runs without.
  async function journeyFor(name: string, javaScriptEnabled = true): Promise<Page> {
    const journey = await openJourney(chromium, { journey: name, lang: 'zh', viewport: 'desktop', javaScriptEnabled });
    journeys.push(journey);
    journey.page.setDefaultTimeout(10_000);
    return journey.page;
  }
  let itemUrl: string;
  // A one-time code works once: the supervisor signs in once, and that tab is used again.
  let supervisorPage: Page;

  it('when a supervisor concludes the case as substantiated, then opens "建立首问负责制" for 区行政审批局 in 20 working days, then the item is open', async () => {
    const page = await journeyFor('rectification-supervisor');
    supervisorPage = page;
    await signInOnPage(page, server.url, supervisor);
    await navigates(page, () => page.goto(`${server.url}/staff/cases/${reported.reference}`));
    await page.getByLabel(t('tracking.outcomes.substantiated'), { exact: true }).check();
    await page.getByLabel(t('triage.fields.summary'), { exact: true }).fill('经核实，窗口未落实首问负责，情况属实。');
    await navigates(page, () => page.locator(`form[action$="/conclude"] button[type="submit"]`).click());
    await navigates(page, () => page.getByRole('link', { name: t('rectification.caseLink.open') }).click());
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel(t('rectification.fields.problem'), { exact: true }).fill('短');
    await navigates(page, () => page.getByRole('button', { name: t('rectification.new.submit') }).click());
    expect(await page.locator('#problem-error').textContent()).toBe(t('rectification.errors.problem'));
    expect(await axeViolations(page)).toEqual([]);

    expect(await page.getByLabel(t('rectification.fields.unit'), { exact: true }).inputValue()).toBe('xzspj');
    expect(await page.locator('#unit option:checked').textContent()).toBe('区行政审批局');
    await page.getByLabel(t('rectification.fields.problem'), { exact: true }).fill('群众首次咨询无人负责，多次往返。');
    await page.getByLabel(t('rectification.fields.measure'), { exact: true }).fill('建立首问负责制');
    await page.getByLabel(t('rectification.fields.workingDays'), { exact: true }).fill('20');
    await navigates(page, () => page.getByRole('button', { name: t('rectification.new.submit') }).click());
    expect(await page.getByRole('status').textContent()).toBe(t('rectification.done.opened'));
    itemUrl = new URL(page.url()).pathname;
    expect(await axeViolations(page)).toEqual([]);
    expect(await RectificationItem.findOne({ measure: '建立首问负责制' }).lean()).toMatchObject({ unitCode: 'xzspj', workingDays: 20, state: 'open' });
  }, 60_000);

  it('when the liaison signs in with the keyboard only, then they see the item, get 403 on the case, attach a document and report it done', async () => {
    const page = await journeyFor('rectification-liaison');
    await navigates(page, () => page.goto(`${server.url}/staff`));
    await tabTo(page, '#email');
    await page.keyboard.type(liaison.email);
    await tabTo(page, '#password');
    await page.keyboard.type(liaison.password);
    await navigates(page, () => page.keyboard.press('Enter'));
    await tabTo(page, '#code');
    await page.keyboard.type(codeFor(liaison.totpSecret));
    await navigates(page, () => page.keyboard.press('Enter'));

    await tabTo(page, 'a[href="/staff/rectification"]');
    await navigates(page, () => page.keyboard.press('Enter'));
    expect(new URL(page.url()).pathname).toBe('/staff/rectification/units/xzspj');
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.content()).not.toContain(reported.reference);
    await tabTo(page, `a[href="${itemUrl}"]`);
    await navigates(page, () => page.keyboard.press('Enter'));
    expect(await page.locator('main, body').first().textContent()).toContain('建立首问负责制');
    expect(await page.content()).not.toContain('REPORTER-9120');
    expect(await axeViolations(page)).toEqual([]);

    const forbidden = await page.goto(`${server.url}/staff/cases/${reported.reference}`);
    expect(forbidden!.status()).toBe(403);
    expect(await page.content()).not.toContain('REPORTER-9120');
    await navigates(page, () => page.goto(`${server.url}${itemUrl}`));

    await tabTo(page, '#text');
    await page.keyboard.type('已制定《首问负责制实施办法》并在各窗口公示。');
    await tabTo(page, '#evidence');
    // The file chooser is the system's own dialog; a keyboard user opens it from the focused field.
    await page.locator('#evidence').setInputFiles({ name: '首问负责制实施办法.pdf', mimeType: 'application/pdf', buffer: await pdfWithMetadata() });
    await tabTo(page, 'form[action*="/answer"] button[type="submit"]');
    await navigates(page, () => page.keyboard.press('Enter'));
    expect(await page.getByRole('status').textContent()).toBe(t('rectification.done.answered'));
    expect(await axeViolations(page)).toEqual([]);
  }, 60_000);

  it('when an intake officer verifies it, then the month\'s report shows 1 of 1 closed on time and the reporter reads 已整改', async () => {
    const page = await journeyFor('rectification-intake');
    await signInOnPage(page, server.url, intake);
    await navigates(page, () => page.getByRole('link', { name: t('rectification.dashboard.link') }).click());
    expect(await axeViolations(page)).toEqual([]);
    await navigates(page, () => page.goto(`${server.url}${itemUrl}`));
    expect(await page.getByRole('link', { name: t('rectification.item.file', { type: 'pdf' }) }).count()).toBe(1);
    await navigates(page, () => page.getByRole('button', { name: t('rectification.decide.verify') }).click());
    expect(await page.getByRole('status').textContent()).toBe(t('rectification.done.verified'));

    const boss = supervisorPage;
    await navigates(boss, () => boss.goto(`${server.url}/staff/reports/${today.slice(0, 7)}`));
    const cells = await boss.locator('tr[data-unit="xzspj"] td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['1', '1']);

    const reporter = await journeyFor('rectification-reporter', false);
    await navigates(reporter, () => reporter.goto(`${server.url}/track`));
    await reporter.locator('input[name="code"]').fill(reported.code);
    await navigates(reporter, () => reporter.locator('form[action="/track"] button[type="submit"]').click());
    expect(await reporter.locator('.rectification-status').textContent()).toContain('已整改');
    expect(await reporter.content()).not.toContain('建立首问负责制');
  }, 60_000);

  it('when a second item is left past its due date, then it is red on the dashboard and in the digest; the new pages pass axe in English too', async () => {
    const opened = chinaDateOf(new Date(Date.now() - 40 * 86_400_000));
    const staff = { id: supervisor.id, name: 's', roles: ['supervisor' as const], mustChangePassword: false, holdsKey: true };
    await openItem(staff, { _csrf: 'x', reference: reported.reference, unit: 'xzspj', problem: '窗口办事指南未更新。LATE-5120', measure: '更新办事指南', workingDays: 5 }, opened);

    const page = supervisorPage;
    await navigates(page, () => page.goto(`${server.url}/staff`));
    const red = page.locator('.rectification-red li');
    expect(await red.count()).toBe(1);
    expect(await red.textContent()).toContain('LATE-5120');
    expect(await red.locator('.light-red').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    const digest = renderMail('dailyDigest', { publicUrl: config.publicUrl, date: today, ...(await digestFor(today)) }, 'zh');
    expect(digest.text).toContain(t('rectification.digest.lights', { green: 0, amber: 0, red: 1 }));

    await navigates(page, () => page.getByRole('button', { name: t('language.switchTo') }).click());
    for (const address of ['/staff/rectification', '/staff/rectification/units/xzspj', itemUrl, `/staff/rectification/new?case=${reported.reference}`]) {
      await navigates(page, () => page.goto(`${server.url}${address}`));
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect([address, await axeViolations(page)]).toEqual([address, []]);
    }
    expect(await page.locator('h1').textContent()).toBe(en('rectification.new.heading'));
    await navigates(page, () => page.goto(`${server.url}/staff/rectification/units/xzspj`));
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.csv-link').isVisible()).toBe(false);
    expect(await page.locator('table').first().isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
  }, 60_000);
});

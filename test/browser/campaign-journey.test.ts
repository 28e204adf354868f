/**
 * The intake officer's entry of a telephone report in a real Chromium
 * (no JavaScript): sign in with password and one-time code, fill in the
 * form, be refused beside the field with everything kept, then get the slip
 * with the code; printed, only the slip shows. The caller then uses the code
 * on /track in a browser of their own. An inspector's pages too. axe finds
 * no violation on any of these pages, in either language.
 */
import type { Browser } from 'playwright-core';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { chinaDateOf } from '../../server/lib/china-time';
import { translator } from '../../server/lib/i18n';
import { buildTestApp } from '../helpers/app';
import { launchChromium, navigates, openJourney, type Journey } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';
import { createAccount, type TestAccount } from '../staff/staff-helpers';
import { axeViolations } from '../helpers/axe';
import { signInOnPage } from '../helpers/staff-browser-sign-in';

const { app, config, commissionPrivateKey } = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '100' });
const t = translator('zh');
const yesterday = chinaDateOf(new Date(Date.now() - 86_400_000));
let server: RunningServer;
let chromium: Browser;
let intake: TestAccount;
let inspector: TestAccount;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  intake = await createAccount(config, { roles: ['intake'], commissionPrivateKeyPem: commissionPrivateKey, mustChangePassword: false });
  inspector = await createAccount(config, { roles: ['inspector'] });
  server = await startServer(app);
  chromium = await launchChromium();
}, 60_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

describe('entering a telephone report in the browser', () => {
  let journey: Journey;
  afterAll(() => journey?.close());

  it('when an intake officer fills in the form, is refused for the date, then corrects it, then the slip shows the code and prints alone; the code works on /track', async () => {
    journey = await openJourney(chromium, { journey: 'intake-entry', lang: 'zh', viewport: 'desktop' });
    const { page } = journey;
    page.setDefaultTimeout(10_000);
    await signInOnPage(page, server.url, intake);
    await navigates(page, () => page.getByRole('link', { name: t('campaign.intake.dashboardLink') }).click());
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel(t('campaign.channels.phone'), { exact: true }).check();
    await page.getByLabel(t('campaign.intake.receivedDate')).fill('2099-01-01');
    await page.getByLabel(t('reports.reporterTypes.resident'), { exact: true }).check();
    await page.getByLabel(t('reports.kinds.complaint'), { exact: true }).check();
    await page.getByLabel(t('reports.form.unit'), { exact: true }).selectOption('xzspj');
    await page.getByLabel(t('reports.form.category'), { exact: true }).selectOption('favours');
    await page.getByLabel(t('reports.form.description'), { exact: true }).fill('来电反映：窗口工作人员要求请客后才办理营业执照变更。BROWSER-3391');
    await navigates(page, () => page.getByRole('button', { name: t('campaign.intake.submit') }).click());
    expect(await page.locator('#receivedDate-error').textContent()).toBe(t('campaign.intake.errors.receivedDate'));
    expect(await page.getByLabel(t('reports.form.description'), { exact: true }).inputValue()).toContain('BROWSER-3391');
    expect(await page.getByLabel(t('campaign.channels.phone'), { exact: true }).isChecked()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await journey.screenshot('refused');

    await page.getByLabel(t('campaign.intake.receivedDate')).fill(yesterday);
    await navigates(page, () => page.getByRole('button', { name: t('campaign.intake.submit') }).click());
    const code = (await page.locator('.tracking-code').textContent())!.replace(/\D/g, '');
    expect(code).toMatch(/^\d{20}$/);
    expect(await page.locator('.slip').textContent()).toContain(`${config.publicUrl}/track`);
    expect(await axeViolations(page)).toEqual([]);
    await journey.screenshot('slip');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.slip').isVisible()).toBe(true);
    expect(await page.getByText(t('campaign.slip.officerAdvice')).isVisible()).toBe(false);
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    // The same form in English, through the switch in the header.
    await navigates(page, () => page.goto(`${server.url}/staff/intake/new`));
    await navigates(page, () => page.getByRole('button', { name: t('language.switchTo') }).click());
    expect(await page.locator('h1').textContent()).toBe(translator('en')('campaign.intake.heading'));
    expect(await axeViolations(page)).toEqual([]);

    const caller = await openJourney(chromium, { journey: 'intake-entry-caller', lang: 'zh', viewport: 'phone', javaScriptEnabled: false });
    try {
      await navigates(caller.page, () => caller.page.goto(`${server.url}/track`));
      await caller.page.locator('input[name="code"]').fill(code);
      await navigates(caller.page, () => caller.page.locator('form[action="/track"] button[type="submit"]').click());
      expect(await caller.page.locator('.case-summary').textContent()).toContain(yesterday);
    } finally {
      await caller.close();
    }
  }, 60_000);
});

describe('the inspector\'s pages', () => {
  it('when an inspector opens the finding form and their list in both languages, then axe finds nothing', async () => {
    const journey = await openJourney(chromium, { journey: 'inspection', lang: 'zh', viewport: 'phone', javaScriptEnabled: true });
    try {
      const { page } = journey;
      await signInOnPage(page, server.url, inspector);
      for (const address of ['/staff/inspection', '/staff/inspection/new']) {
        await navigates(page, () => page.goto(`${server.url}${address}`));
        expect(await axeViolations(page)).toEqual([]);
      }
      await navigates(page, () => page.getByRole('button', { name: t('campaign.inspection.submit') }).click());
      expect(await page.locator('#seen-error').isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await navigates(page, () => page.getByRole('button', { name: translator('zh')('language.switchTo') }).click());
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await navigates(page, () => page.goto(`${server.url}/staff/inspection`));
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await journey.close();
    }
  }, 60_000);
});

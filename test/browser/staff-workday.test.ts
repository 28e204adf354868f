/**
 * A day's work in a real Chromium, in both languages, on a phone and a
 * desktop: a supervisor who also handles cases signs in, reads the
 * dashboard's counts, opens "my cases" and finds only the case assigned to
 * them, finds another case by typing its reference, and concluding without
 * an outcome comes back with the summary and the ticks kept. axe checks the
 * dashboard and the queue; screenshots go to test-output/screenshots.
 */
import type { Browser } from 'playwright-core';
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
const summaryText = { zh: '经核实，窗口工作人员确有拖延，已谈话提醒。SUMMARY-3318', en: 'The clerk did delay the permit and was given a reminder talk. SUMMARY-3318' } as const;

let server: RunningServer;
let chromium: Browser;
const references: string[] = [];
const accounts: Partial<Record<Language, TestAccount & { name: string }>> = {};

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(app);
  chromium = await launchChromium();
  for (let i = 0; i < 4; i += 1) {
    const reporter = httpClient(app);
    const page = await postReport(reporter, await openReportForm(reporter), validReport).expect(200);
    references.push((await storedCaseOfPage(page.text))!.reference);
  }
  const assigner = httpClient(app);
  await signInOverHttp(assigner, await createAccount(config, { roles: ['supervisor'], commissionPrivateKeyPem: commissionPrivateKey }));
  for (const [lang, name, own] of [['zh', '吴承办', 0], ['en', 'Wu Handling', 1]] as const) {
    const account = { ...(await createAccount(config, { roles: ['supervisor', 'handler'], name, commissionPrivateKeyPem: commissionPrivateKey })), name };
    accounts[lang] = account;
    const token = await csrfTokenFrom(assigner, `/staff/cases/${references[own]}`);
    await assigner.post(`/staff/cases/${references[own]}/assign`).type('form').send({ _csrf: token, handlerId: account.id }).expect(303);
  }
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

// Each run owns one case and concludes another; the Chinese run has accepted one case before the English one counts.
const runs: Array<[Language, ViewportName, number, number, number]> = [['zh', 'phone', 0, 3, 4], ['en', 'desktop', 1, 2, 3]];

describe.each(runs)('a day\'s work in %s on a %s', (lang, viewport, own, searched, newCount) => {
  it('when a handler signs in, then the dashboard counts their work, "my cases" lists only their case, a typed reference opens its case, and a refused conclusion keeps the summary and ticks', async () => {
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'staff-workday', lang, viewport });
    const { page } = journey;
    try {
      await signInInBrowser(journey, server.url, lang, accounts[lang]!);
      const tiles = page.getByRole('region', { name: t('workday.dashboard.heading') });
      await expect(tiles.getByRole('link', { name: `${newCount} ${t('workday.dashboard.new')}` }).isVisible()).resolves.toBe(true);
      await expect(tiles.getByRole('link', { name: `1 ${t('workday.dashboard.mine')}` }).isVisible()).resolves.toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('01-dashboard');

      await navigates(page, () => tiles.getByRole('link', { name: `1 ${t('workday.dashboard.mine')}` }).click());
      const listed = await page.locator('table.queue tbody th a').allTextContents();
      expect(listed).toEqual([references[own]]);
      await expect(page.locator('table.queue tbody .assignee').first().textContent()).resolves.toBe(accounts[lang]!.name);
      await journey.screenshot('02-my-cases');

      await navigates(page, () => page.getByRole('link', { name: t('workday.queue.all'), exact: true }).click());
      expect((await page.locator('table.queue tbody th a').allTextContents()).sort()).toEqual([...references].sort());
      // On a phone the filters are folded away until asked for; on a desktop they are shown.
      await expect(page.getByLabel(t('triage.queue.unit'), { exact: true }).isVisible()).resolves.toBe(viewport === 'desktop');
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('03-queue');

      await page.getByLabel(t('workday.queue.searchLabel'), { exact: true }).fill(references[searched].toLowerCase());
      await navigates(page, () => page.getByRole('button', { name: t('workday.queue.search'), exact: true }).click());
      expect(new URL(page.url()).pathname).toBe(`/staff/cases/${references[searched]}`);
      await expect(page.locator('h1').textContent()).resolves.toContain(references[searched]);

      await navigates(page, () => page.getByRole('button', { name: t('triage.actions.accept'), exact: true }).click());
      await page.getByLabel(t('triage.measures.talk'), { exact: true }).check();
      await page.getByLabel(t('triage.fields.summary'), { exact: true }).fill(summaryText[lang]);
      const refused = page.waitForResponse((response) => response.url().endsWith('/conclude'));
      await navigates(page, () => page.getByRole('button', { name: t('triage.actions.conclude'), exact: true }).click());
      expect((await refused).status()).toBe(422);
      await expect(page.getByLabel(t('triage.fields.summary'), { exact: true }).inputValue()).resolves.toBe(summaryText[lang]);
      await expect(page.getByLabel(t('triage.measures.talk'), { exact: true }).isChecked()).resolves.toBe(true);
      await expect(page.locator('#conclude-outcome-error').isVisible()).resolves.toBe(true);
      await journey.screenshot('04-conclude-refused');
    } finally {
      await journey.close();
    }
  }, 120_000);
});

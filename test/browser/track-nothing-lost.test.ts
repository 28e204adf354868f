/**
 * Issue 13, the reporter's page: a mistyped code stays in a plain numeric
 * field with the focus back on it and the tries left; information added is
 * answered with a redirect, so a reload adds nothing; "leave" ends the view.
 * Screenshots go to test-output/screenshots/track-nothing-lost-*.png.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { CaseMessage } from '../../server/cases/case-message.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { browser, buildTestApp } from '../helpers/app';
import { launchChromium, navigates, openJourney, type Language, type ViewportName } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, trackingCodeIn, validReport } from '../helpers/reports';
import { startServer, type RunningServer } from '../helpers/server';

const { app } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '30', TRACK_LOOKUPS_PER_HOUR_SITE: '1000' });
let server: RunningServer;
let chromium: Browser;

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  server = await startServer(app);
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

async function newCaseCode(): Promise<string> {
  const agent = browser(app);
  const page = await postReport(agent, await openReportForm(agent), validReport).expect(200);
  return trackingCodeIn(page.text)!;
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.passes.length).toBeGreaterThan(10);
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

const spaced = (code: string) => code.replace(/(\d{4})(?=\d)/g, '$1 ');
const combinations: Array<{ lang: Language; viewport: ViewportName }> = [{ lang: 'zh', viewport: 'phone' }, { lang: 'en', viewport: 'desktop' }];

describe('the reporter looks up their case and adds information', () => {
  it.each(combinations)('when it is done in $lang on a $viewport, then a mistyped code stays with the tries left, a reload after adding adds nothing, and leaving ends the view', async ({ lang, viewport }) => {
    const t = translator(lang);
    const code = await newCaseCode();
    const journey = await openJourney(chromium, { journey: 'track-nothing-lost', lang, viewport });
    const { page } = journey;
    try {
      if (lang === 'en') await journey.context.addCookies([{ name: 'qf_lang', value: 'en', url: server.url }]);
      await navigates(page, () => page.goto(`${server.url}/track`));
      const field = page.getByLabel(t('tracking.lookup.code'), { exact: true });
      expect(await field.getAttribute('type')).toBe('text');
      expect(await field.getAttribute('inputmode')).toBe('numeric');
      expect(await field.getAttribute('autocomplete')).toBe('off');

      const mistyped = spaced(`${code.slice(0, 19)}${(Number(code[19]) + 1) % 10}`);
      await field.fill(mistyped);
      await navigates(page, () => page.getByRole('button', { name: t('tracking.lookup.submit'), exact: true }).click());
      expect(await page.getByText(t('tracking.lookup.notFound')).isVisible()).toBe(true);
      expect(await field.inputValue()).toBe(mistyped);
      expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('code');
      expect((await page.locator('#code-tries').innerText()).trim()).toMatch(/\d+/);
      const triesLeft = Number(/\d+/.exec(await page.locator('#code-tries').innerText())![0]);
      expect(await page.locator('#code-tries').innerText()).toBe(t('trackPage.triesLeft', { count: triesLeft }));
      await journey.screenshot('01-code-mistyped');
      await expectNoAxeViolations(page);

      await field.fill(spaced(code));
      await navigates(page, () => page.getByRole('button', { name: t('tracking.lookup.submit'), exact: true }).click());
      expect(await page.locator('h1').innerText()).toBe(t('tracking.case.heading'));
      const addition = `${lang === 'zh' ? '补充：对方今天又打电话催促' : 'Addendum: they phoned again'} ${Date.now()}`;
      await page.getByLabel(t('tracking.add.message'), { exact: true }).fill(addition);
      await navigates(page, () => page.getByRole('button', { name: t('tracking.add.submit'), exact: true }).click());
      expect(new URL(page.url()).pathname).toBe('/track/case');
      expect((await page.getByRole('status').innerText()).trim()).toBe(t('tracking.case.added'));
      const messagesBefore = await CaseMessage.countDocuments();
      await navigates(page, () => page.reload());
      expect(await CaseMessage.countDocuments()).toBe(messagesBefore);
      expect((await page.locator('.conversation').innerText()).split(addition).length - 1).toBe(1);
      await journey.screenshot('02-information-added');
      await expectNoAxeViolations(page);

      await navigates(page, () => page.getByRole('button', { name: t('trackPage.leave'), exact: true }).click());
      expect(await page.getByText(t('trackPage.left')).isVisible()).toBe(true);
      await journey.screenshot('03-left');
      await navigates(page, () => page.goto(`${server.url}/track/case`));
      expect(await page.locator('h1').innerText()).toBe(t('tracking.lookup.heading'));
      expect(await page.locator('body').innerText()).not.toContain(addition);
    } finally {
      await journey.close();
    }
  }, 60_000);
});

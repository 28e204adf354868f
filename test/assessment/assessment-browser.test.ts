/**
 * The unit assessment in a real Chromium, in both languages (Chinese on a
 * desktop, English on a phone): a supervisor signs in, opens the periods,
 * the quarter and the weights form, is refused for a weight beside the
 * field with what they typed kept, then saves. The whole journey runs
 * without JavaScript; run again with it (axe needs it), axe-core finds no
 * violation on any of these pages, headings skip no level and nothing
 * scrolls sideways at 320 px.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { rebuildRollup } from '../../server/oversight/rollup.service';
import { buildTestApp } from '../helpers/app';
import { headingLevels, launchChromium, navigates, openJourney, overflowAtNarrowestWidth, skippedHeadingLevels, type Language } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';
import { codeFor, createAccount, type TestAccount } from '../staff/staff-helpers';
import { insertAssessmentFixtures } from './assessment-fixtures';

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const { app, config } = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
let server: RunningServer;
let chromium: Browser;
const accounts = new Map<string, TestAccount>();

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  // One account per run: a one-time code signs in once.
  for (const run of ['zh-nojs', 'zh-axe', 'en-nojs', 'en-axe']) accounts.set(run, await createAccount(config, { roles: ['supervisor'] }));
  await insertAssessmentFixtures();
  await rebuildRollup();
  server = await startServer(app);
  chromium = await launchChromium();
}, 60_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

async function problemsOn(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
  if (results.passes.length < 10) throw new Error('axe checked almost nothing');
  return [
    ...results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
    ...skippedHeadingLevels(await headingLevels(page)),
    ...((await overflowAtNarrowestWidth(page)) > 0 ? ['scrolls sideways at 320 px'] : []),
  ];
}

describe.each([['zh', false], ['zh', true], ['en', false], ['en', true]] as const)('in %s, with JavaScript %s', (lang, javaScriptEnabled) => {
  it(javaScriptEnabled
    ? 'when a supervisor goes through the quarter and the weights form, then axe finds nothing on any page'
    : 'when a supervisor opens the quarter and is refused for a weight without JavaScript, then the message is beside the field and the value is kept; then it saves', async () => {
    const zh = translator('zh');
    const t = translator(lang);
    const account = accounts.get(`${lang}-${javaScriptEnabled ? 'axe' : 'nojs'}`)!;
    const journey = await openJourney(chromium, { journey: 'assessment', lang, viewport: lang === 'zh' ? 'desktop' : 'phone', javaScriptEnabled });
    const { page } = journey;
    page.setDefaultTimeout(10_000);
    const found: Record<string, string[]> = {};
    const check = async (name: string) => {
      if (javaScriptEnabled) found[name] = await problemsOn(page);
    };
    try {
      await navigates(page, () => page.goto(`${server.url}/staff`));
      await page.getByLabel(zh('staff.fields.email'), { exact: true }).fill(account.email);
      await page.getByLabel(zh('staff.fields.password'), { exact: true }).fill(account.password);
      await navigates(page, () => page.getByRole('button', { name: zh('staff.signIn.submit'), exact: true }).click());
      await page.getByLabel(zh('staff.fields.code'), { exact: true }).fill(codeFor(account.totpSecret));
      await navigates(page, () => page.getByRole('button', { name: zh('staff.code.submit'), exact: true }).click());
      if (lang === 'en') await navigates(page, () => page.getByRole('button', { name: zh('language.switchTo') }).click());

      await navigates(page, () => page.getByRole('link', { name: t('assessment.index.title') }).click());
      await check('index');
      await navigates(page, () => page.getByRole('link', { name: t('assessment.period.quarter', { year: 2026, quarter: t('assessment.quarterNames.3') }), exact: true }).click());
      expect(await page.locator('h1').textContent()).toBe(t('assessment.page.heading', { period: t('assessment.period.quarter', { year: 2026, quarter: t('assessment.quarterNames.3') }) }));
      expect(await page.locator('#assessment-table tbody tr').count()).toBe(3);
      expect(await page.getByText(t('assessment.page.caveat')).isVisible()).toBe(true);
      await check('assessment');
      if (!javaScriptEnabled) await journey.screenshot('quarter');
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.site-header').isVisible()).toBe(false);
      expect(await page.locator('#assessment-table table').isVisible()).toBe(true);
      await page.emulateMedia({ media: 'screen' });

      await navigates(page, () => page.getByRole('link', { name: t('assessment.page.weightsLink') }).click());
      await check('weights');
      const acceptedOnTime = page.getByLabel(t('assessment.indicators.acceptedOnTime.label'), { exact: true });
      await acceptedOnTime.fill('abc');
      await navigates(page, () => page.getByRole('button', { name: t('assessment.weights.save') }).click());
      expect(await page.locator('#weight-acceptedOnTime-error').textContent()).toBe(t('assessment.errors.weight'));
      expect(await acceptedOnTime.inputValue()).toBe('abc');
      expect(await acceptedOnTime.getAttribute('aria-invalid')).toBe('true');
      await check('refused');
      if (!javaScriptEnabled) await journey.screenshot('refused');

      await acceptedOnTime.fill('40');
      await navigates(page, () => page.getByRole('button', { name: t('assessment.weights.save') }).click());
      expect(await page.getByRole('status').textContent()).toBe(t('assessment.weights.saved'));
      expect(await acceptedOnTime.inputValue()).toBe('40');
    } finally {
      await journey.close();
    }
    expect(found).toEqual(javaScriptEnabled ? { index: [], assessment: [], weights: [], refused: [] } : {});
  }, 90_000);
});

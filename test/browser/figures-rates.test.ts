/**
 * /figures in a real Chromium, in both languages, on a phone and a desktop:
 * the month's headline rates (accepted on time, concluded, satisfied) at the
 * top, each shown only when its base is 5 or more; on a phone the figures
 * come before the list of 24 months; the month under way says when its
 * figures will be published. axe checks each page; screenshots go to
 * test-output/screenshots.
 */
import { Types } from 'mongoose';
import type { Browser } from 'playwright-core';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { addMonthsToKey, currentMonth, previousMonth } from '../../server/oversight/months';
import { rebuildRollup } from '../../server/oversight/rollup.service';
import { countVoiceEntry } from '../../server/voice/voice-counts.model';
import { buildTestApp } from '../helpers/app';
import { launchChromium, openJourney, type Language, type ViewportName } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';
import { insertCases, type FixtureCase } from '../oversight/oversight-fixtures';
import { axeViolations } from '../helpers/axe';

const { app } = buildTestApp({});
const shownMonth = previousMonth(currentMonth());
let server: RunningServer;
let chromium: Browser;

const many = (count: number, fixture: FixtureCase): FixtureCase[] => Array.from({ length: count }, () => ({ ...fixture }));

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  await insertCases([
    // 8 accepted: 6 within the 15 working days (75%), 2 after; 4 of the 8 concluded (50%).
    ...many(4, { month: shownMonth, unit: 'xzspj', category: 'favours', status: 'concluded', accepted: 3, concluded: 20, outcome: 'substantiated' }),
    ...many(2, { month: shownMonth, unit: 'gaj', category: 'inaction', status: 'accepted', accepted: 10 }),
    ...many(2, { month: shownMonth, unit: 'gaj', category: 'inaction', status: 'accepted', accepted: 18 }),
    ...many(3, { month: shownMonth, unit: 'fgw', status: 'new' }),
    // About the commission's own staff: never in a rate (it would make accepted on time 4/9).
    ...many(1, { month: shownMonth, unit: 'jtj', commission: true, status: 'accepted', accepted: 30 }),
    // One case in each of the 23 months before: 24 month links.
    ...Array.from({ length: 23 }, (_, i) => ({ month: addMonthsToKey(shownMonth, -(i + 1)), unit: 'gaj', category: 'inaction' })),
  ]);
  // Four ratings: a base under 5, so no satisfaction rate.
  for (const value of ['satisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied']) await countVoiceEntry(shownMonth, 'rating', new Types.ObjectId().toString(), { unit: 'xzspj', value, commission: false });
  await rebuildRollup();
  server = await startServer(app);
  chromium = await launchChromium();
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

const runs: Array<[Language, ViewportName]> = [['zh', 'phone'], ['en', 'desktop'], ['zh', 'desktop'], ['en', 'phone']];

describe.each(runs)('/figures in %s on a %s', (lang, viewport) => {
  it('when the last month is shown, then its rates with a base of 5 or more lead the page, satisfaction with 4 ratings is not published, the data comes before the 24 month links, and the month under way says when it is published', async () => {
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'figures-rates', lang, viewport });
    const { page } = journey;
    try {
      await journey.context.addCookies([{ name: 'qf_lang', value: lang, url: server.url }]);
      await page.goto(`${server.url}/figures`);
      const rate = (key: string) => page.locator(`.rate-${key} dd`);
      await expect(page.locator('.rate-acceptedOnTime dt').textContent()).resolves.toBe(t('figuresRates.names.acceptedOnTime'));
      await expect(rate('acceptedOnTime').locator('.rate-value').textContent()).resolves.toBe('75%');
      await expect(rate('concluded').locator('.rate-value').textContent()).resolves.toBe('50%');
      await expect(rate('satisfied').locator('.rate-value').count()).resolves.toBe(0);
      await expect(rate('satisfied').locator('.rate-hidden').textContent()).resolves.toBe(t('figuresRates.tooFew'));
      await expect(page.locator('.rates').textContent()).resolves.not.toMatch(/\d+%[\s\S]*\d+%[\s\S]*\d+%/);

      const links = page.locator('nav.month-list a, nav.month-list [aria-current]');
      await expect(links.count()).resolves.toBe(24);
      const ratesBox = (await page.locator('.rates').boundingBox())!;
      const tableBox = (await page.locator('#by-unit').boundingBox())!;
      const monthsBox = (await page.locator('nav.month-list').boundingBox())!;
      // The rates lead, the tables follow, the month links come last.
      expect(ratesBox.y).toBeLessThan(tableBox.y);
      expect(tableBox.y).toBeLessThan(monthsBox.y);
      expect(ratesBox.y).toBeLessThan(viewport === 'phone' ? 844 : 800);
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('01-rates');

      const underWay = currentMonth();
      const pending = await page.goto(`${server.url}/figures/${underWay}`);
      expect(pending?.status()).toBe(200);
      await expect(page.locator('.lead').textContent()).resolves.toContain(`${addMonthsToKey(underWay, 1)}-01`);
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('02-month-under-way');
    } finally {
      await journey.close();
    }
  }, 120_000);
});

/**
 * The draft summary's copy button in a real Chromium: with JavaScript it
 * shows and puts the paragraph on the clipboard (the script loads under the
 * CSP with its integrity hash); without, it stays hidden and the paragraph
 * is there to select by hand.
 */
import type { Browser } from 'playwright-core';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { rebuildRollup } from '../../server/oversight/rollup.service';
import { buildTestApp } from '../helpers/app';
import { launchChromium, navigates, openJourney } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';
import { createAccount, type TestAccount } from '../staff/staff-helpers';
import { insertCases } from './oversight-fixtures';
import { signInOnPage } from '../helpers/staff-browser-sign-in';

const { app, config } = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
const t = translator('zh');
let server: RunningServer;
let chromium: Browser;
const accounts: TestAccount[] = [];

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  for (let index = 0; index < 2; index += 1) accounts.push(await createAccount(config, { roles: ['supervisor'] }));
  await insertCases([{ month: '2026-11', unit: 'xzspj' }, { month: '2026-11', unit: 'gaj' }]);
  await rebuildRollup();
  server = await startServer(app);
  chromium = await launchChromium();
}, 60_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

it('when a supervisor presses the copy button, then the clipboard holds the paragraph; without JavaScript the button is not shown', async () => {
  const journey = await openJourney(chromium, { journey: 'summary-copy', lang: 'zh', viewport: 'desktop' });
  const plain = await openJourney(chromium, { journey: 'summary-copy', lang: 'zh', viewport: 'desktop', javaScriptEnabled: false });
  try {
    await journey.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const { page } = journey;
    const refused: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') refused.push(message.text()); });
    await signInOnPage(page, server.url, accounts[0]);
    await navigates(page, () => page.goto(`${server.url}/staff/reports/2026-11`));
    const paragraph = (await page.locator('#summary-paragraph').textContent())!.trim();
    expect(paragraph).toMatch(/^2026年11月共收到群众反映2件/);
    await page.getByRole('button', { name: t('monthlySummary.copy') }).click();
    await page.getByText(t('monthlySummary.copied')).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(paragraph);
    expect(refused).toEqual([]);

    await signInOnPage(plain.page, server.url, accounts[1]);
    await navigates(plain.page, () => plain.page.goto(`${server.url}/staff/reports/2026-11`));
    expect((await plain.page.locator('#summary-paragraph').textContent())!.trim()).toBe(paragraph);
    expect(await plain.page.locator('#copy-summary').isVisible()).toBe(false);
  } finally {
    await journey.close();
    await plain.close();
  }
}, 60_000);

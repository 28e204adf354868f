/**
 * The monthly report as a committee paper, in a real Chromium, in both
 * languages, on a phone and a desktop: printed to PDF (read back page by
 * page with pdftotext) every page carries 「内部资料 注意保密」 and its page
 * number and no page ends on a table's heading; on screen the row names keep
 * their words (never one character per line) and the chart scrolls on a
 * phone instead of shrinking; the one ZIP download holds exactly the CSV
 * files the report offers one by one, byte for byte; the form's
 * 「其他（请注明）」 reads 其他. axe checks the page; screenshots and the
 * PDFs go to test-output/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { translator } from '../../server/lib/i18n';
import { projectRoot } from '../../server/lib/paths';
import { rebuildRollup } from '../../server/oversight/rollup.service';
import { buildTestApp } from '../helpers/app';
import { launchChromium, openJourney, type Language, type ViewportName } from '../helpers/browser';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { startServer, type RunningServer } from '../helpers/server';
import { createAccount, type TestAccount } from '../staff/staff-helpers';
import { insertCases, type FixtureCase } from '../oversight/oversight-fixtures';
import { axeViolations } from '../helpers/axe';
import { signInInBrowser } from '../helpers/staff-browser-sign-in';

const month = '2026-03';
// pdftotext gives the ideographic space between the two phrases as a plain one.
const marking = '内部资料 注意保密';
const pdfDir = path.join(projectRoot, 'test-output', 'pdf');
const runs: Array<[Language, ViewportName]> = [['zh', 'phone'], ['en', 'desktop'], ['zh', 'desktop'], ['en', 'phone']];
let server: RunningServer;
let chromium: Browser;
const accounts: Record<string, TestAccount> = {};

interface Cell { textContent: string | null; getBoundingClientRect(): { width: number } }
declare const document: { querySelectorAll(selector: string): ArrayLike<Cell> };
declare function getComputedStyle(element: Cell): { fontSize: string };

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  const app = buildTestApp({ STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  for (const [lang, viewport] of runs) accounts[lang + viewport] = await createAccount(app.config, { roles: ['supervisor'] });
  const units = ['xzspj', 'gaj', 'fgw', 'swj', 'gxq', 'lqz', 'other'];
  const outcomes = ['substantiated', 'partlySubstantiated', 'notSubstantiated'] as const;
  const cases: FixtureCase[] = [];
  for (const m of ['2025-03', '2026-01', '2026-02', month]) {
    for (let i = 0; i < 40; i += 1) {
      const concluded = i % 3 !== 0;
      cases.push({ month: m, unit: units[i % units.length], category: i % 2 ? 'favours' : 'shirking', status: concluded ? 'concluded' : 'accepted', accepted: i % 9, concluded: concluded ? 10 + i : undefined, outcome: concluded ? outcomes[i % 3] : undefined, measures: concluded && i % 3 !== 2 ? ['talk'] : [] });
    }
  }
  await insertCases(cases);
  await rebuildRollup();
  server = await startServer(app.app);
  chromium = await launchChromium();
  mkdirSync(pdfDir, { recursive: true });
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await dropTestDatabase();
});

/** The text of each page of a PDF, by pdftotext (poppler-utils). */
function pagesOf(pdfPath: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' });
  return text.split('\f').filter((page) => page.trim() !== '');
}

/** Each row name of the report's tables: how wide it is, in characters of its font. */
function rowNameWidths(page: Page): Promise<Array<{ text: string; characters: number }>> {
  return page.evaluate(() => Array.from(document.querySelectorAll('.report table th[scope=row]')).map((cell) => ({
    text: (cell.textContent ?? '').trim(),
    characters: Math.floor(cell.getBoundingClientRect().width / parseFloat(getComputedStyle(cell).fontSize)),
  })));
}

describe.each(runs)('the monthly report in %s on a %s', (lang, viewport) => {
  it('when it is printed, then every page has the marking and its number and no page ends on a heading; on screen row names keep their words, the chart scrolls on a phone, the ZIP holds every CSV and 其他（请注明） reads 其他', async () => {
    const t = translator(lang);
    const journey = await openJourney(chromium, { journey: 'monthly-report', lang, viewport });
    const { page } = journey;
    try {
      await signInInBrowser(journey, server.url, lang, accounts[lang + viewport]);
      await page.goto(`${server.url}/staff/reports/${month}`);
      expect(await axeViolations(page)).toEqual([]);
      await journey.screenshot('01-report');

      // Never squeezed to a character or two per line: at least six characters wide (or all of a shorter name).
      for (const { text, characters } of await rowNameWidths(page)) expect({ text, wideEnough: characters >= Math.min(6, [...text].length) }).toEqual({ text, wideEnough: true });
      const chart = (await page.locator('.chart-scroll svg.chart').first().boundingBox())!;
      expect(chart.width).toBeGreaterThanOrEqual(viewport === 'phone' ? 576 : 600);

      const unitRows = (await page.locator('#units-by-outcome th[scope=row]').allTextContents()).map((name) => name.trim());
      expect(unitRows).toContain(t('reportPrint.otherUnit'));
      expect(await page.locator('main').textContent()).not.toMatch(/请注明|name it/);

      const pdfPath = path.join(pdfDir, `monthly-report-${lang}-${viewport}.pdf`);
      await page.emulateMedia({ media: 'print' });
      writeFileSync(pdfPath, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      await page.emulateMedia({ media: 'screen' });
      const pages = pagesOf(pdfPath);
      expect(pages.length).toBeGreaterThan(2);
      const headings = (await page.locator('.report-table > h2').allTextContents()).map((heading) => heading.replace(/[\s\u3000]+/g, ' ').trim());
      pages.forEach((text, index) => {
        const lines = text.split('\n').map((line) => line.replace(/[\s\u3000]+/g, ' ').trim()).filter(Boolean);
        expect({ page: index + 1, marking: lines[0] }).toEqual({ page: index + 1, marking: marking });
        expect({ page: index + 1, number: lines[lines.length - 1].replace(/ /g, '') }).toEqual({ page: index + 1, number: `${index + 1}/${pages.length}` });
        const lastContent = lines[lines.length - 2];
        expect({ page: index + 1, endsOnHeading: headings.includes(lastContent) }).toEqual({ page: index + 1, endsOnHeading: false });
      });

      const csvLinks = await page.locator('.csv-link:not(.all-tables) a').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
      expect(csvLinks.length).toBeGreaterThan(5);
      const zipResponse = await page.request.get(`${server.url}/staff/reports/${month}/tables.zip`);
      expect(zipResponse.status()).toBe(200);
      expect(zipResponse.headers()['content-type']).toBe('application/zip');
      const zipped = unzipSync(new Uint8Array(await zipResponse.body()));
      // Every table with a CSV of its own, and the tables of the sections other rooms add (voice, windows, rectification, 反馈).
      const sectionFiles = ['satisfaction', 'retaliation', 'window-ratings-by-unit', 'window-ratings-by-window', 'rectification', 'feedback'].map((id) => `qingfeng-${month}-${id}.csv`);
      expect(Object.keys(zipped).sort()).toEqual([...csvLinks.map((href) => `qingfeng-${month}-${href.split('/').pop()}`), ...sectionFiles].sort());
      const rectificationHead = (await page.locator('#table-rectification + .note + .table-scroll thead th').allTextContents()).join(',');
      expect(Buffer.from(zipped[`qingfeng-${month}-rectification.csv`]).toString('utf8').replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(rectificationHead);
      for (const href of csvLinks) {
        const csv = await page.request.get(`${server.url}${href}`);
        expect(Buffer.from(zipped[`qingfeng-${month}-${href.split('/').pop()}`]).equals(await csv.body())).toBe(true);
      }
      await expect(page.getByRole('link', { name: t('reportPrint.zip'), exact: true }).count()).resolves.toBe(1);
    } finally {
      await journey.close();
    }
  }, 180_000);
});
